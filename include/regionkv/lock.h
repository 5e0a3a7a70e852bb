// A lock on one key of one region, taken with Region::get_lock.
#ifndef REGIONKV_LOCK_H_
#define REGIONKV_LOCK_H_

#include <cstdint>
#include <string>

#include "regionkv/time_source.h"

namespace regionkv {

class Region;

// Move-only. The destructor releases an active lock. A Lock must not outlive
// the Store it came from. Not thread-safe: one thread uses a Lock at a time
// (hand it over with a move).
//
// The lock is the record "_lock" + mangled key in the region's own keyspace,
// carrying the fencing token, the acquisition time and a lease of
// lock_timeout + 1 s. Pass the lock to Region::set/erase to write under it.
class Lock {
 public:
  Lock() = default;  // inactive
  Lock(Lock&& other) noexcept;
  Lock& operator=(Lock&& other) noexcept;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock();

  bool active() const { return region_ != nullptr; }
  // The raw key the lock protects.
  const std::string& key() const { return key_; }
  TimePoint acquired_at() const { return acquired_at_; }
  // Strictly increasing per region, across restarts; 0 when the region has
  // locking off.
  std::uint64_t fencing_token() const { return fencing_token_; }
  // The region the lock belongs to; nullptr once released.
  const Region* region() const { return region_; }

  // Deletes the lock record if it still carries this lock's token.
  // Idempotent; after it, active() is false.
  void release();

 private:
  friend class Region;
  Lock(Region* region, std::string key, std::string record_key,
       TimePoint acquired_at, std::uint64_t fencing_token);

  Region* region_ = nullptr;
  std::string key_;
  std::string record_key_;  // "_lock" + the key as mangled when taken
  TimePoint acquired_at_;
  std::uint64_t fencing_token_ = 0;
};

}  // namespace regionkv

#endif  // REGIONKV_LOCK_H_
