// A fixed set of mutexes picked by key hash: makes a read-check-write on one
// key atomic within the process without a mutex per key.
#ifndef REGIONKV_LOCK_STRIPED_MUTEX_H_
#define REGIONKV_LOCK_STRIPED_MUTEX_H_

#include <array>
#include <functional>
#include <mutex>
#include <string_view>

namespace regionkv::lock {

template <std::size_t kStripes = 256>
class StripedMutex {
 public:
  std::mutex& for_key(std::string_view key) {
    return stripes_[std::hash<std::string_view>{}(key) % kStripes].mutex;
  }

 private:
  // Padded so neighbouring stripes do not share a cache line.
  struct alignas(64) Stripe {
    std::mutex mutex;
  };
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_STRIPED_MUTEX_H_
