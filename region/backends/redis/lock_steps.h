// The steps of a region's locks on Redis, each one script or command on the
// server, each in a file named for it with the Lua it sends:
//   lock_acquire.cc   acquire_lock: one script (check, draw a token, write)
//   lock_release.cc   release_lock: one HDEL; lock_record_exists: EXISTS
//   locked_write.cc   set_locked, erase_locked: one script each (the lock
//                     rule and the write)
//   lock_record.cc    read_lock_record: HGETALL, the record decoded
// The redis store's LockBackend (redis_locks.h) calls them; keys here are
// backend keys: a lock key is "_lock" + the stored key it protects. Redis
// runs a script atomically (no other command of any client runs between
// its first and its last call), so each check-then-write is one step, as
// the rocksdb store's striped mutex makes it one step in-process. Every key
// a step touches shares one hash tag (key_layout.h), so each also runs on a
// Redis Cluster.
//
// The lock record (key_layout.h) is a hash with one field, named by the
// holder's fencing token, whose value is "<acquired_at_ms> <lease_ms>", and
// whose expiry (PEXPIRE) is the lease: the server's clock runs leases out.
// A lease of 0 (never runs out) has no expiry. The token as the field's name
// makes releasing one plain HDEL, cheaper on the server than any script: it
// deletes the field -- and with it the record -- only if the record carries
// that token.
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
//
// Thread-safe. Every step may throw StorageError (a server failed, naming
// it) or Corruption (a lock record that is not such a hash); a lock key and
// a key of different buckets throw std::invalid_argument.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_LOCK_STEPS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_LOCK_STEPS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lock/lease_record.h"
#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/script.h"
#include "region/backends/redis/value_expiry.h"
#include "regionkv/lock_backend.h"
#include "regionkv/time_source.h"

namespace regionkv::redis {

// Takes the lock if no live record exists, with a lease of `lease` from
// `now` (0: never runs out). Refused: when the holder's lease runs out, as
// `now` + the record's time left on the server (nullopt: never). A refused
// attempt takes no token, and the token is drawn inside the step that
// grants it, so one key's grants carry increasing tokens in grant order.
// No grant says it took over (LockGrant::took_over): the server drops a
// spent record, so nothing is left to tell.
LockAttempt acquire_lock(RedisClient& client, const KeyLayout& layout, std::string_view lock_key,
                         TimePoint now, std::chrono::milliseconds lease);
// The acquire script (for benchmarks that send it by hand).
const Script& lock_acquire_script();

// Deletes the record only if it carries `fencing_token`: one HDEL of the
// token's field, atomic by itself. Only when it deleted nothing, an EXISTS
// then tells kAlreadyGone from kSuccessorHolds (a record there by then
// carries another token: no later grant carries this one).
ReleaseResult release_lock(RedisClient& client, const KeyLayout& layout, std::string_view lock_key,
                           std::uint64_t fencing_token);
// Whether a record is at `lock_key` (EXISTS): a live lease, as the server
// drops a spent one.
bool lock_record_exists(RedisClient& client, const KeyLayout& layout, std::string_view lock_key);

// Writes `key` (ttl as value_expiry.h says) only if the lock holds at `now`:
// the record carries `fencing_token` and the time rule holds for its terms;
// checked and written in one step. Never kKeyAbsent.
LockedWriteResult set_locked(RedisClient& client, const KeyLayout& layout, std::string_view key,
                             std::string_view value, const TimeToLive& ttl,
                             std::string_view lock_key, std::uint64_t fencing_token, TimePoint now);
// Erases `key` under the same check, in one step.
LockedWriteResult erase_locked(RedisClient& client, const KeyLayout& layout, std::string_view key,
                               std::string_view lock_key, std::uint64_t fencing_token,
                               TimePoint now);

// The record at `lock_key` (HGETALL), nullopt if there is none; its lease as
// the record says, live or not (the server drops it when it runs out).
std::optional<lock::LeaseRecord> read_lock_record(RedisClient& client, const KeyLayout& layout,
                                                  std::string_view lock_key);

// StorageError: `what` (a command or script) on `redis_key` answered a reply
// of a type or value the step never expects.
[[noreturn]] void unexpected_lock_reply(std::string_view what, std::string_view redis_key);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_LOCK_STEPS_H_
