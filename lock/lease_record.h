// A lock record: its key, and its payload — who holds the lock (its fencing
// token), since when, and for how long. docs/format.md gives the bytes.
#ifndef REGIONKV_LOCK_LEASE_RECORD_H_
#define REGIONKV_LOCK_LEASE_RECORD_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/unix_ms.h"
#include "regionkv/time_source.h"

namespace regionkv::lock {

// Every lock record's key is this prefix + the stored (mangled) key it
// protects. No stored key starts with it: the region refuses such keys.
inline constexpr std::string_view kLockKeyPrefix = "_lock";
// Where a store that keeps its fencing counter among its own records
// (lock::DefaultLocks, memcached) keeps it. No stored key starts with
// "_lock", so no lock record's key is "_lock" + "_lock...": this key can be
// neither a value's nor a lock record's.
inline constexpr std::string_view kFencingCounterKey = "_lock_lock#fencing";

// "_lock" + stored_key.
std::string lock_record_key(std::string_view stored_key);

// The seed's 1-second overlap, used twice: a lease runs this long past
// lock_timeout, and a locked write must be made this long before
// lock_timeout is reached (the time rule, lock/lock_rule.h). Between the last
// write a holder may make and the moment another process may take the lock
// over there are thus 2 s, which absorb clock skew and stalls between the
// check and the write.
inline constexpr std::chrono::milliseconds kLeaseMargin{1000};

// The lease a lock taken with `lock_timeout` carries: lock_timeout + 1 s, or
// 0 (never runs out) when lock_timeout is 0.
constexpr std::chrono::milliseconds lease_for(std::chrono::milliseconds lock_timeout) {
  return lock_timeout.count() == 0 ? std::chrono::milliseconds(0)
                                   : lock_timeout + kLeaseMargin;
}

struct LeaseRecord {
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;               // millisecond precision
  std::chrono::milliseconds lease{0};  // 0: never runs out

  // When the lease runs out; nullopt if never. Inline: on every lock grant.
  ExpiresAt ends() const {
    if (lease.count() == 0) return std::nullopt;
    return common::add_saturating(acquired_at, lease);
  }
  // Whether the lock is still held at `now` (is_live: until the instant the
  // lease ends). A record that is not live may be taken over or swept.
  bool live_at(TimePoint now) const { return is_live(ends(), now); }
};

inline constexpr std::size_t kLeaseRecordSize = 24;
std::string encode_lease(const LeaseRecord& lease);
// The same bytes, into a caller's buffer.
void encode_lease(const LeaseRecord& lease, char (&out)[kLeaseRecordSize]);
// Throws Corruption unless `bytes` is exactly one lease record.
LeaseRecord decode_lease(std::string_view bytes);

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LEASE_RECORD_H_
