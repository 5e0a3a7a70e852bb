// Wakes threads waiting for a lock when a lock is released in this process.
//
// Waiters and releasers meet on one of kStripes stripes chosen by the lock
// key's hash. A waiter reads the stripe's generation *before* its failed
// attempt, then sleeps until the generation moves on or its backoff ends, so
// a release between the attempt and the sleep is never missed. Unrelated keys
// sharing a stripe only cause an early retry.
#ifndef REGIONKV_LOCK_LOCK_WAITERS_H_
#define REGIONKV_LOCK_LOCK_WAITERS_H_

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace regionkv::lock {

// Thread-safe.
class LockWaiters {
 public:
  static constexpr std::size_t kStripes = 64;

  std::uint64_t generation(std::string_view lock_key);
  // Returns early if notify() ran for the stripe since `seen_generation`.
  void wait(std::string_view lock_key, std::uint64_t seen_generation,
            std::chrono::nanoseconds timeout);
  void notify(std::string_view lock_key);

 private:
  struct Stripe {
    std::mutex mutex;
    std::condition_variable released;
    std::uint64_t generation = 0;  // guarded by mutex
  };
  Stripe& stripe(std::string_view lock_key);

  std::array<Stripe, kStripes> stripes_;
};

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LOCK_WAITERS_H_
