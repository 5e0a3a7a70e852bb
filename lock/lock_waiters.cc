#include "lock/lock_waiters.h"

#include <functional>
#include <string_view>

namespace regionkv::lock {

LockWaiters::Stripe& LockWaiters::stripe(std::string_view lock_key) {
  return stripes_[std::hash<std::string_view>{}(lock_key) % kStripes];
}

std::uint64_t LockWaiters::generation(std::string_view lock_key) {
  Stripe& s = stripe(lock_key);
  std::lock_guard guard(s.mutex);
  return s.generation;
}

void LockWaiters::wait(std::string_view lock_key, std::uint64_t seen_generation,
                       std::chrono::nanoseconds timeout) {
  Stripe& s = stripe(lock_key);
  std::unique_lock guard(s.mutex);
  s.released.wait_for(guard, timeout,
                      [&] { return s.generation != seen_generation; });
}

void LockWaiters::notify(std::string_view lock_key) {
  Stripe& s = stripe(lock_key);
  {
    std::lock_guard guard(s.mutex);
    ++s.generation;
  }
  s.released.notify_all();
}

}  // namespace regionkv::lock
