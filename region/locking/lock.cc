#include "regionkv/lock.h"

#include <utility>

#include "common/lifetime.h"
#include "region/locking/region_locks.h"

namespace regionkv {

Lock::Lock(locking::RegionLocks* owner, const std::atomic<std::uint64_t>* owner_lifetime,
           std::uint64_t owner_generation, std::string key, std::string record_key,
           TimePoint acquired_at, std::uint64_t fencing_token)
    : owner_(owner),
      owner_lifetime_(owner_lifetime),
      owner_generation_(owner_generation),
      key_(std::move(key)),
      record_key_(std::move(record_key)),
      acquired_at_(acquired_at),
      fencing_token_(fencing_token) {}

Lock::Lock(Lock&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      owner_lifetime_(other.owner_lifetime_),
      owner_generation_(other.owner_generation_),
      key_(std::move(other.key_)),
      record_key_(std::move(other.record_key_)),
      acquired_at_(other.acquired_at_),
      fencing_token_(other.fencing_token_) {}

Lock& Lock::operator=(Lock&& other) noexcept {
  if (this != &other) {
    try {
      release();
    } catch (...) {
      // The lease runs out by itself; nothing more to do.
    }
    owner_ = std::exchange(other.owner_, nullptr);
    owner_lifetime_ = other.owner_lifetime_;
    owner_generation_ = other.owner_generation_;
    key_ = std::move(other.key_);
    record_key_ = std::move(other.record_key_);
    acquired_at_ = other.acquired_at_;
    fencing_token_ = other.fencing_token_;
  }
  return *this;
}

Lock::~Lock() {
  try {
    release();
  } catch (...) {
    // A destructor must not throw; the lease runs out by itself.
  }
}

locking::RegionLocks* Lock::owner() const {
  if (owner_ == nullptr || !common::Lifetime::alive(owner_lifetime_, owner_generation_))
    return nullptr;
  return owner_;
}

bool Lock::active() const { return owner() != nullptr; }

void Lock::release() {
  locking::RegionLocks* owner = this->owner();
  owner_ = nullptr;
  if (owner) owner->release(*this);
}

}  // namespace regionkv
