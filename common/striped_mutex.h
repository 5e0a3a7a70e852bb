// A fixed set of mutexes picked by key hash: makes a read-check-write on one
// key atomic within the process without a mutex per key.
#ifndef REGIONKV_COMMON_STRIPED_MUTEX_H_
#define REGIONKV_COMMON_STRIPED_MUTEX_H_

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace regionkv::common {

// Thread-safe.
template <std::size_t kStripes = 1024>
class StripedMutex {
 public:
  // Holds the stripes of one or two keys, each once, until it goes away.
  class Guard {
   public:
    Guard() = default;
    Guard(Guard&&) noexcept = default;
    Guard& operator=(Guard&&) noexcept = default;

   private:
    friend class StripedMutex;
    std::unique_lock<std::mutex> first_;
    std::unique_lock<std::mutex> second_;
  };

  std::mutex& for_key(std::string_view key) { return stripes_[index(key)].mutex; }

  Guard lock(std::string_view key) {
    Guard guard;
    guard.first_ = std::unique_lock(for_key(key));
    return guard;
  }

  // In stripe order, so two callers locking overlapping pairs cannot
  // deadlock with each other or with lock_all.
  Guard lock(std::string_view a, std::string_view b) {
    std::size_t first = index(a);
    std::size_t second = index(b);
    if (first > second) std::swap(first, second);
    Guard guard;
    guard.first_ = std::unique_lock(stripes_[first].mutex);
    if (second != first) guard.second_ = std::unique_lock(stripes_[second].mutex);
    return guard;
  }

  // Locks the stripes of every key, each once, in stripe order.
  template <typename Keys>
  std::vector<std::unique_lock<std::mutex>> lock_all(const Keys& keys) {
    std::vector<std::size_t> indices;
    indices.reserve(std::size(keys));
    for (const auto& key : keys) indices.push_back(index(key));
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(indices.size());
    for (std::size_t i : indices) locks.emplace_back(stripes_[i].mutex);
    return locks;
  }

 private:
  static std::size_t index(std::string_view key) {
    return std::hash<std::string_view>{}(key) % kStripes;
  }
  // Padded so neighbouring stripes do not share a cache line.
  struct alignas(64) Stripe {
    std::mutex mutex;
  };
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_STRIPED_MUTEX_H_
