#include "regionkv/region_context.h"

#include <mutex>

#include "common/xxh3_mangling.h"

namespace regionkv {

RegionContext::RegionContext(std::string region_name, std::shared_ptr<const TimeSource> clock)
    : region_name_(std::move(region_name)), clock_(std::move(clock)) {}

KeyMangler RegionContext::key_mangler() const {
  std::shared_lock lock(mutex_);
  return key_mangler_;
}

std::set<std::string> RegionContext::raw_no_expiry_keys() const {
  std::shared_lock lock(mutex_);
  return raw_no_expiry_keys_;
}

std::set<std::string> RegionContext::no_expiry_hashed_keys() const {
  std::shared_lock lock(mutex_);
  return {hashed_no_expiry_keys_.begin(), hashed_no_expiry_keys_.end()};
}

bool RegionContext::is_no_expiry_key(std::string_view stored_key) const {
  // Most regions have none: answer without the lock.
  if (!has_no_expiry_keys_.load(std::memory_order_acquire)) return false;
  std::shared_lock lock(mutex_);
  return hashed_no_expiry_keys_.contains(stored_key);
}

RegionContext::Change RegionContext::prepare(KeyMangler mangler, std::set<std::string> raw_keys) {
  Change change{std::move(mangler), std::move(raw_keys), {}};
  for (const auto& key : change.raw_keys)
    change.hashed_keys.insert(change.mangler ? change.mangler(key) : key);
  return change;
}

void RegionContext::apply(Change change) {
  std::unique_lock lock(mutex_);
  uses_xxh3_key_mangler_.store(is_xxh3_key_mangler(change.mangler), std::memory_order_release);
  has_no_expiry_keys_.store(!change.hashed_keys.empty(), std::memory_order_release);
  key_mangler_ = std::move(change.mangler);
  raw_no_expiry_keys_ = std::move(change.raw_keys);
  hashed_no_expiry_keys_ = {std::make_move_iterator(change.hashed_keys.begin()),
                            std::make_move_iterator(change.hashed_keys.end())};
}

}  // namespace regionkv
