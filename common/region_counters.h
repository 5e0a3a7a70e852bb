// The counters behind RegionStats (include/regionkv/stats.h), cheap enough to
// stay on: many threads add to them at once, so each thread adds to one of
// kShards copies, each on cache lines of its own (picked once per thread),
// and a snapshot sums the copies. An add is one relaxed atomic add to a line
// the thread rarely shares: a few nanoseconds, no contention.
#ifndef REGIONKV_COMMON_REGION_COUNTERS_H_
#define REGIONKV_COMMON_REGION_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace regionkv::common {

// Thread-safe.
class RegionCounters {
 public:
  enum Counter : std::size_t {
    kHits,
    kMisses,
    kWrites,
    kDeletes,
    kLocksGranted,
    kLockWaits,
    kLockWaitMicros,
    kLockUnavailable,
    kLockTimeouts,
    kLockTakeovers,
    kReleasesFoundSuccessor,
    kCount,
  };

  void add(Counter counter, std::uint64_t n = 1) noexcept {
    shards_[shard_of_this_thread()].values[counter].fetch_add(n, std::memory_order_relaxed);
  }

  // The sum over every shard; counts added concurrently may or may not be in.
  std::uint64_t read(Counter counter) const noexcept {
    std::uint64_t total = 0;
    for (const Shard& shard : shards_) total += shard.values[counter].load(std::memory_order_relaxed);
    return total;
  }

 private:
  static constexpr std::size_t kShards = 8;
  struct alignas(64) Shard {
    std::array<std::atomic<std::uint64_t>, kCount> values{};
  };
  static std::size_t shard_of_this_thread() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
    return shard;
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_REGION_COUNTERS_H_
