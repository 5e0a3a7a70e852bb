// The lock calls of a region on Redis (LockScripts): taking a lock and
// writing under it are one script each, run atomically on the server
// (region_scripts.h has the scripts and why each is one step); releasing is
// one plain command. Not the region's lock manager (lock::RegionLocks): the
// redis store's LockBackend (redis_locks.h) calls these. Keys here are
// backend keys: a lock key is "_lock" + the stored key it protects.
//
// The lock record (key_layout.h) is a hash with one field, named by the
// holder's fencing token, whose value is "<acquired_at_ms> <lease_ms>", and
// whose expiry (PEXPIRE) is the lease: the server's clock runs leases out.
// A lease of 0 (never runs out) has no expiry.
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
#ifndef REGIONKV_REGION_BACKENDS_REDIS_LOCK_SCRIPTS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_LOCK_SCRIPTS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lock/lease_record.h"
#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/value_expiry.h"
#include "regionkv/lock_backend.h"
#include "regionkv/time_source.h"

namespace regionkv::redis {

// Thread-safe. Every call may throw StorageError (a server failed, naming
// it) or Corruption (a lock record that is not such a hash); a lock key and
// a key of different buckets throw std::invalid_argument.
class LockScripts {
 public:
  // Both must outlive this object.
  LockScripts(RedisClient& client, const KeyLayout& layout) : client_(client), layout_(layout) {}

  // Takes the lock if no live record exists, with a lease of `lease` from
  // `now` (0: never runs out). Refused: when the holder's lease runs out,
  // as `now` + the record's time left on the server (nullopt: never).
  LockAttempt acquire(std::string_view lock_key, TimePoint now, std::chrono::milliseconds lease);
  // The record at `lock_key` (HGETALL), nullopt if there is none; its lease
  // as the record says, live or not (the server drops it when it runs out).
  std::optional<lock::LeaseRecord> read_record(std::string_view lock_key);
  // Whether a record is at `lock_key` (EXISTS): a live lease, as the server
  // drops a spent one.
  bool holds_record(std::string_view lock_key);
  // Deletes the record only if it carries `fencing_token`: one HDEL of the
  // token's field, atomic by itself. Only when it deleted nothing, an
  // EXISTS then tells kAlreadyGone from kSuccessorHolds (a record there by
  // then carries another token: no later grant carries this one).
  ReleaseResult release(std::string_view lock_key, std::uint64_t fencing_token);
  // Writes `key` (ttl as value_expiry.h says) only if the lock holds at
  // `now`, in one step. Never kKeyAbsent.
  LockedWriteResult set_locked(std::string_view key, std::string_view value, const TimeToLive& ttl,
                               std::string_view lock_key, std::uint64_t fencing_token,
                               TimePoint now);
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token, TimePoint now);

 private:
  struct NewValue {
    std::string_view value;
    const TimeToLive& ttl;
  };
  // `new_value`: what a locked set writes; nullptr for a locked erase.
  LockedWriteResult locked_write(const Script& script, std::string_view key,
                                 std::string_view lock_key, std::uint64_t fencing_token,
                                 TimePoint now, const NewValue* new_value);

  RedisClient& client_;
  const KeyLayout& layout_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_LOCK_SCRIPTS_H_
