// The lock interface: how a backing store takes a region's locks, releases
// them, and writes under them.
//
// A region's locks go through exactly one LockBackend: the backing store's
// own, if Backend::native_locks() returns one, or else the default locks, an
// adapter that keeps lock records as ordinary values of the store and makes
// each step atomic with in-process mutexes (correct within one process). The
// built-in implementations (docs/architecture.md names their files):
//   rocksdb, memory   compare-and-set under the store's own mutexes, the
//                     lease records in RocksDB / the map
//   memcached         "add", "incr" and CAS deletes on the servers
//   redis             one Lua script per step on the server (a release: one
//                     HDEL)
//   any other store   the default locks
// Every implementation decides whether a locked write may go ahead with one
// lock rule (the token, and now + 1 s <= acquired_at + lock_timeout); Redis's
// scripts carry the same rule in Lua, so that the check and the write are one
// step on the server.
//
// Keys: `lock_key` is "_lock" + the stored (mangled) key it protects; `key`
// is that stored key. Leases and fencing tokens are docs/locks.md's.
//
// Thread-safety: called from many threads at once; implementations must be
// thread-safe.
#ifndef REGIONKV_LOCK_BACKEND_H_
#define REGIONKV_LOCK_BACKEND_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "regionkv/time_source.h"

namespace regionkv {

// The terms of a lock request: the lease runs from `now` for `lease`
// (lock_timeout + 1 s); a zero lease never runs out.
struct LeaseTerms {
  TimePoint now;
  std::chrono::milliseconds lease{0};
};

// What a granted lock carries.
struct LockGrant {
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;  // `now` of the request, to the millisecond
  // The grant replaced a record whose lease had run out (its holder died or
  // stalled), where the store can tell; counted in RegionStats.
  bool took_over = false;
};

// The outcome of one try_lock: a grant, or when the current holder's lease
// runs out (nullopt if it never does or is unknown).
struct LockAttempt {
  std::optional<LockGrant> grant;
  std::optional<TimePoint> holder_lease_ends;
};

// What a release found.
enum class ReleaseResult {
  kReleased,        // the record carried the token, and is gone
  kAlreadyGone,     // no record: its lease had run out and it was swept, or
                    // the store dropped it
  kSuccessorHolds,  // the record carries another token: the lock was taken
                    // over; nothing was deleted
};

// The outcome of a locked write.
enum class LockedWriteResult {
  kApplied,    // the lock still held and the write was made
  kKeyAbsent,  // erase only: the lock held, but there was no live value
  kLockLost,   // the lock record is gone, carries another token, or its
               // lease is (nearly) spent: nothing was written
};

class LockBackend {
 public:
  virtual ~LockBackend() = default;

  // Compare-and-set: takes the lock if its record is absent or its lease has
  // run out, with a fencing token larger than every one the region issued
  // before. Throws StorageError (or Corruption) if the store fails.
  virtual LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) = 0;

  // Deletes the lock record only if it still carries `fencing_token`, and
  // says what it found (a store that cannot tell without waiting for an
  // answer, as memcached's release, returns kReleased).
  virtual ReleaseResult unlock(std::string_view lock_key, std::uint64_t fencing_token) = 0;

  // Writes (or erases) `key` only if the lock rule (the top of this file)
  // allows it for the record at `lock_key` and `fencing_token`, checked and
  // written in one atomic step (memcached: see memcached.h for the window it leaves).
  virtual LockedWriteResult set_locked(std::string_view key, std::string_view value,
                                       ExpiresAt expires_at, std::string_view lock_key,
                                       std::uint64_t fencing_token) = 0;
  virtual LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                         std::uint64_t fencing_token) = 0;

  // Whether someone, in this process or another, holds the lock at
  // `lock_key` now: a lock record is there whose lease has not run out, so
  // that a try_lock would be refused. Takes nothing and writes nothing.
  // Stores that run leases out by the region's clock (rocksdb, memory, the
  // default locks) judge the record by it; stores whose servers run
  // them out (memcached, redis) answer whether the servers still hold the
  // record. Throws StorageError (or Corruption) if the store fails.
  virtual bool is_locked(std::string_view lock_key) = 0;
};

}  // namespace regionkv

#endif  // REGIONKV_LOCK_BACKEND_H_
