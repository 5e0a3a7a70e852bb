// What every backend of one region shares: the region's name, the store's
// clock, the effective key mangler and the no-expiry keys. One object per
// configured region; the region and each level of its proxy chain read the
// same one (Backend::context()).
#ifndef REGIONKV_REGION_CONTEXT_H_
#define REGIONKV_REGION_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "regionkv/key_mangler.h"
#include "regionkv/time_source.h"

namespace regionkv {

namespace internal {
class BackendWiring;
}  // namespace internal

// Thread-safe. Only the Region changes it (configure, set_key_mangler,
// set_no_expiry_keys), through internal::BackendWiring.
class RegionContext {
 public:
  RegionContext(std::string region_name, std::shared_ptr<const TimeSource> clock);
  RegionContext(const RegionContext&) = delete;
  RegionContext& operator=(const RegionContext&) = delete;

  const std::string& region_name() const { return region_name_; }
  // The store's clock: what expiry and leases are judged against.
  TimePoint now() const { return clock_->now(); }
  const std::shared_ptr<const TimeSource>& clock() const { return clock_; }

  // The effective mangler (Region::key_mangler()); empty: keys stored raw.
  KeyMangler key_mangler() const;
  // Whether it is xxh3_key_mangler(): the region then builds stored keys
  // itself, without copying the mangler under a lock.
  bool uses_xxh3_key_mangler() const noexcept {
    return uses_xxh3_key_mangler_.load(std::memory_order_acquire);
  }

  // RegionConfig::no_expiry_keys, and the same keys through the effective
  // mangler (the raw set when the mangler is empty): the stored keys whose
  // values never expire.
  std::set<std::string> raw_no_expiry_keys() const;
  std::set<std::string> no_expiry_hashed_keys() const;
  bool is_no_expiry_key(std::string_view stored_key) const;

  // A store that finds an expired value on a read, not yet swept, says so
  // here (RegionStats::expired_hidden).
  void count_expired_read() const noexcept {
    expired_reads_.fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t expired_reads() const noexcept {
    return expired_reads_.load(std::memory_order_relaxed);
  }

 private:
  friend class internal::BackendWiring;
  // The mangler and no-expiry keys change together, to `mangler` and
  // `raw_keys` hashed through it: hashed first, outside any lock (a user's
  // mangler may be slow), then applied under the lock.
  struct Change {
    KeyMangler mangler;
    std::set<std::string> raw_keys;
    std::set<std::string> hashed_keys;
  };
  static Change prepare(KeyMangler mangler, std::set<std::string> raw_keys);
  void apply(Change change);

  const std::string region_name_;
  const std::shared_ptr<const TimeSource> clock_;
  mutable std::shared_mutex mutex_;
  KeyMangler key_mangler_;                         // guarded by mutex_
  std::set<std::string> raw_no_expiry_keys_;       // guarded by mutex_
  std::set<std::string, std::less<>> hashed_no_expiry_keys_;  // guarded by mutex_
  std::atomic<bool> uses_xxh3_key_mangler_{false};  // written under mutex_
  std::atomic<bool> has_no_expiry_keys_{false};     // written under mutex_
  // Rare (reads of values past their expiry), so one counter will do.
  mutable std::atomic<std::uint64_t> expired_reads_{0};
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_CONTEXT_H_
