#include "regionkv/lock.h"

#include <utility>

#include "regionkv/region.h"

namespace regionkv {

Lock::Lock(Region* region, std::string key, std::string record_key,
           TimePoint acquired_at, std::uint64_t fencing_token)
    : region_(region),
      key_(std::move(key)),
      record_key_(std::move(record_key)),
      acquired_at_(acquired_at),
      fencing_token_(fencing_token) {}

Lock::Lock(Lock&& other) noexcept
    : region_(std::exchange(other.region_, nullptr)),
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
    region_ = std::exchange(other.region_, nullptr);
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

void Lock::release() {
  Region* region = std::exchange(region_, nullptr);
  if (region) region->release(*this);
}

}  // namespace regionkv
