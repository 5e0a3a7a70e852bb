// A region's locks on Redis, each call one script run atomically on the
// server (region_scripts.h has the scripts and why each is one step). Keys
// here are backend keys: a lock key is "_lock" + the stored key it protects.
//
// Fencing tokens come from a counter key (key_layout.h): one per region in
// standalone mode, so tokens strictly increase across the region; one per
// bucket of keys in cluster mode (a script can only touch keys of one slot),
// so tokens strictly increase for each key, and across the keys of a bucket.
// Counters carry no expiry and are written only by INCR; only an eviction
// policy that evicts keys without expiry (allkeys-*) or a flush loses them.
//
// Times: `now` is the caller's (the region's) clock. acquired_at is `now` in
// whole milliseconds (truncated, as lock::LeaseRecord stores it); the time
// rule compares `now` rounded up, which is lock::judge_locked_write exactly.
// A lease runs out by the server's clock (the record's PEXPIRE).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REGION_LOCKS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REGION_LOCKS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/value_expiry.h"
#include "regionkv/time_source.h"

namespace regionkv::redis {

struct LockGranted {
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;  // whole milliseconds
};

// A grant, or -- when another holds the lock -- when its lease runs out, as
// now + the record's remaining time on the server (nullopt: never).
struct LockAcquisition {
  std::optional<LockGranted> grant;
  std::optional<TimePoint> holder_lease_ends;
};

enum class LockedWrite {
  kApplied,    // the record carried the token, the time rule held: written
  kKeyAbsent,  // erase only: the lock held, but there was no value
  kLockLost,   // the record is gone, carries another token, or the time
               // rule refused the write: nothing was written
};

// Thread-safe. Every call may throw StorageError (a server failed, naming
// it) or Corruption (a lock record that is not a hash); a lock key and a key
// of different buckets throw std::invalid_argument.
class RegionLocks {
 public:
  // Both must outlive this object.
  RegionLocks(RedisClient& client, const KeyLayout& layout) : client_(client), layout_(layout) {}

  // Takes the lock if no live record exists, with a lease of `lease` from
  // `now` (0: never runs out).
  LockAcquisition acquire(std::string_view lock_key, TimePoint now,
                          std::chrono::milliseconds lease);
  // Deletes the record only if it carries `fencing_token`. Returns whether it
  // did.
  bool release(std::string_view lock_key, std::uint64_t fencing_token);
  // Writes `key` (ttl as value_expiry.h says) only if the lock holds at
  // `now`, in one step. Never kKeyAbsent.
  LockedWrite set_locked(std::string_view key, std::string_view value, const TimeToLive& ttl,
                         std::string_view lock_key, std::uint64_t fencing_token, TimePoint now);
  LockedWrite erase_locked(std::string_view key, std::string_view lock_key,
                           std::uint64_t fencing_token, TimePoint now);

 private:
  struct NewValue {
    std::string_view value;
    const TimeToLive& ttl;
  };
  // `new_value`: what a locked set writes; nullptr for a locked erase.
  LockedWrite locked_write(const Script& script, std::string_view key, std::string_view lock_key,
                           std::uint64_t fencing_token, TimePoint now, const NewValue* new_value);

  RedisClient& client_;
  const KeyLayout& layout_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REGION_LOCKS_H_
