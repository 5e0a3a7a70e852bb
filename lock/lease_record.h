// The payload of a lock record: who holds the lock (its fencing token), since
// when, and for how long. docs/format.md gives the bytes.
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

inline constexpr std::size_t kLeaseRecordSize = 24;
// The prefix of every lock record's key: "_lock" + the mangled key.
inline constexpr std::string_view kLockKeyPrefix = "_lock";

// The seed's 1-second overlap, used twice: a lease runs this long past
// lock_timeout, and a locked write must be made this long before
// lock_timeout is reached (the time rule). Between the last write a holder
// may make and the moment another process may take the lock over there are
// thus 2 s, which absorb clock skew between the check and the write.
inline constexpr std::chrono::milliseconds kLeaseMargin{1000};

// The lease a lock taken with `lock_timeout` carries: lock_timeout + 1 s, or
// 0 (never runs out) when lock_timeout is 0.
constexpr std::chrono::milliseconds lease_for(std::chrono::milliseconds lock_timeout) {
  return lock_timeout.count() == 0 ? std::chrono::milliseconds(0)
                                   : lock_timeout + kLeaseMargin;
}

struct LeaseRecord {
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;              // millisecond precision
  std::chrono::milliseconds lease{0};  // 0: never runs out

  // When the lease runs out; nullopt if never. Inline: on every lock grant.
  std::optional<TimePoint> ends() const {
    if (lease.count() == 0) return std::nullopt;
    return common::add_saturating(acquired_at, lease);
  }
  bool expired_at(TimePoint now) const;
  // The time rule: the holder may still write under the lock at `now`, i.e.
  // now + 1 s <= acquired_at + lock_timeout (always, for a lease that never
  // runs out). Backends check it together with the token, in the same atomic
  // step as the write.
  bool allows_write_at(TimePoint now) const;
};

// The time rule for a lease that runs out at `lease_ends` (nullopt: never):
// see LeaseRecord::allows_write_at.
bool lease_allows_write(const std::optional<TimePoint>& lease_ends, TimePoint now);

std::string encode_lease(const LeaseRecord& lease);
// Throws Corruption unless `bytes` is exactly one lease record.
LeaseRecord decode_lease(std::string_view bytes);

std::string lock_record_key(std::string_view stored_key);

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LEASE_RECORD_H_
