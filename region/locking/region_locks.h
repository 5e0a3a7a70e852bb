// One region's locks as Region uses them: taking a lock (the attempt loop,
// with jittered backoff and waiting for a release in this process),
// releasing it, and writing under it — the lock rule checked first here,
// for a precise message, then again by the lock backend inside its atomic
// step.
#ifndef REGIONKV_REGION_LOCKING_REGION_LOCKS_H_
#define REGIONKV_REGION_LOCKING_REGION_LOCKS_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/fork_guard.h"
#include "common/lifetime.h"
#include "common/region_counters.h"
#include "region/locking/lock_waiters.h"
#include "regionkv/lock.h"
#include "regionkv/lock_backend.h"
#include "regionkv/time_source.h"

namespace regionkv::locking {

// Thread-safe. Locks it issued check that it still exists before they use it
// (common/lifetime.h), so a Lock that outlives its store does nothing.
class RegionLocks {
 public:
  struct Settings {
    std::string region_name;
    bool locking = true;  // false: locks store nothing, token 0
    std::chrono::milliseconds lock_timeout{0};
    int max_lock_attempts = 1;
    std::shared_ptr<const TimeSource> clock;
  };

  // `backend` and `counters` (where the lock figures of RegionStats are
  // counted) must outlive this object.
  RegionLocks(Settings settings, LockBackend& backend, common::RegionCounters& counters);
  RegionLocks(const RegionLocks&) = delete;
  RegionLocks& operator=(const RegionLocks&) = delete;

  const std::string& region_name() const { return settings_.region_name; }
  LockBackend& backend() const { return backend_; }

  // Takes the lock on raw key `key`, whose record is `record_key` ("_lock" +
  // the stored key): at most max_lock_attempts attempts, with backoff that
  // never sleeps past the holder's lease, woken at once by a release in this
  // process. Throws LockUnavailable after the last attempt, and what
  // `check` throws while it waits (regionkv/lock.h).
  Lock acquire(std::string_view key, std::string record_key, const WaitCheck& check = {});

  // Whether anyone holds the lock whose record is `record_key` (the lock
  // backend's is_locked); false with locking off, as such locks store
  // nothing.
  bool is_locked(std::string_view record_key) const;

  // Whether a write of raw key `key` under `lock` goes to the lock backend
  // (false: the region has locking off, and the write is a plain one).
  // Throws std::invalid_argument if the lock is for another key or region
  // or was released, LockTimeout if its lease is (nearly) spent.
  bool admit_locked_write(const Lock& lock, std::string_view key) const;
  // The lock backend's locked writes, for a lock admit_locked_write admitted.
  // A kLockLost result is counted as a lock timeout (the caller throws
  // LockTimeout).
  LockedWriteResult set_locked(const Lock& lock, std::string_view stored_key,
                               std::string_view value, ExpiresAt expires_at);
  LockedWriteResult erase_locked(const Lock& lock, std::string_view stored_key);

  // Lock::release: deletes the lock's record if it still carries its token,
  // and wakes this process's waiters for it.
  void release(const Lock& lock);

 private:
  LockedWriteResult counted(LockedWriteResult result);

  const Settings settings_;
  const std::chrono::milliseconds lease_;  // lease_for(lock_timeout)
  LockBackend& backend_;
  common::RegionCounters& counters_;
  LockWaiters waiters_;
  common::Lifetime lifetime_;
  // A Lock released in a forked child touches nothing (common/fork_guard.h).
  common::ForkGuard fork_guard_;
};

}  // namespace regionkv::locking

#endif  // REGIONKV_REGION_LOCKING_REGION_LOCKS_H_
