// A lock on one key of one region, taken with Region::get_lock.
#ifndef REGIONKV_LOCK_H_
#define REGIONKV_LOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "regionkv/time_source.h"

namespace regionkv {

namespace locking {
class RegionLocks;  // a region's lock manager, which issues Locks
}
namespace internal {
class LockWiring;  // how the lock manager makes and reads Locks; not part of the API
}

// Called on the waiting thread while Region::get_lock or get_or_create waits
// for a key's lock: before each pause between attempts and at least every
// kWaitCheckInterval within one. Whatever it throws ends the wait and leaves
// the call holding nothing (the Python module raises KeyboardInterrupt
// through it). It must not call the region. Empty: the wait is not checked.
using WaitCheck = std::function<void()>;
inline constexpr std::chrono::milliseconds kWaitCheckInterval{50};

// Move-only. The destructor releases an active lock. Not thread-safe: one
// thread uses a Lock at a time (hand it over with a move).
//
// The lock is the record "_lock" + mangled key in the region's own keyspace,
// carrying the fencing token, the acquisition time and a lease of
// lock_timeout + 1 s. Pass the lock to Region::set/erase to write under it.
//
// A Lock should not outlive the Store it came from; if it does (a shutdown
// path that closes the store first), it is inactive from the moment the store
// closes, and releasing or destroying it does nothing: the lock record stays
// in the store until its lease runs out.
class Lock {
 public:
  Lock() = default;  // inactive
  Lock(Lock&& other) noexcept;
  Lock& operator=(Lock&& other) noexcept;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock();

  // Taken, not yet released, and its store still open.
  bool active() const;
  // The raw key the lock protects.
  const std::string& key() const { return key_; }
  TimePoint acquired_at() const { return acquired_at_; }
  // Strictly increasing per region, across restarts; 0 when the region has
  // locking off.
  std::uint64_t fencing_token() const { return fencing_token_; }

  // Deletes the lock record if it still carries this lock's token.
  // Idempotent; after it, active() is false. Throws StorageError if the
  // store fails (the lock is released regardless: its lease runs out).
  void release();

 private:
  friend class internal::LockWiring;
  Lock(locking::RegionLocks* owner, const std::atomic<std::uint64_t>* owner_lifetime,
       std::uint64_t owner_generation, std::string key, std::string record_key,
       TimePoint acquired_at, std::uint64_t fencing_token);
  // The region's lock manager, while it exists: owner_lifetime_ still holds
  // owner_generation_. The cell outlives every owner.
  locking::RegionLocks* owner() const;

  locking::RegionLocks* owner_ = nullptr;
  const std::atomic<std::uint64_t>* owner_lifetime_ = nullptr;
  std::uint64_t owner_generation_ = 0;
  std::string key_;
  std::string record_key_;  // "_lock" + the key as mangled when taken
  TimePoint acquired_at_;
  std::uint64_t fencing_token_ = 0;
};

}  // namespace regionkv

#endif  // REGIONKV_LOCK_H_
