// Backend's shared state (mangler, no-expiry keys, clock) and the default
// multi-key calls. The default lock calls live in lock/default_lock_ops.cc.
#include "regionkv/backend.h"

#include <mutex>

#include "common/xxh3_mangling.h"

namespace regionkv {
namespace {

std::set<std::string> hash_keys(const std::set<std::string>& raw,
                                const KeyMangler& mangler) {
  if (!mangler) return raw;
  std::set<std::string> hashed;
  for (const auto& key : raw) hashed.insert(mangler(key));
  return hashed;
}

}  // namespace

std::vector<std::optional<std::string>> Backend::get_multi(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (const auto& key : keys) values.push_back(get(key));
  return values;
}

void Backend::set_multi(const std::vector<WriteItem>& items) {
  for (const auto& item : items) set(item.key, item.value, item.expires_at);
}

void Backend::erase_multi(const std::vector<std::string>& keys) {
  for (const auto& key : keys) erase(key);
}

SweepProgress Backend::sweep_expired(TimePoint /*now*/, std::string_view /*resume_from*/,
                                     std::chrono::steady_clock::time_point /*deadline*/) {
  return {};  // nothing kept that the sweeper could reach
}

std::size_t Backend::max_value_size() const { return std::size_t{64} << 20; }
std::size_t Backend::max_key_size() const { return std::size_t{64} << 10; }

void Backend::set_key_mangler(KeyMangler mangler) {
  // Hash outside the lock: a user mangler may be slow.
  std::set<std::string> raw;
  {
    std::shared_lock lock(mangling_mutex_);
    raw = raw_no_expiry_keys_;
  }
  auto hashed = hash_keys(raw, mangler);
  std::unique_lock lock(mangling_mutex_);
  key_mangler_ = std::move(mangler);
  uses_xxh3_key_mangler_.store(is_xxh3_key_mangler(key_mangler_), std::memory_order_release);
  // The raw set may have changed meanwhile; rehash under the lock then.
  if (raw != raw_no_expiry_keys_) hashed = hash_keys(raw_no_expiry_keys_, key_mangler_);
  hashed_no_expiry_keys_ = std::move(hashed);
}

KeyMangler Backend::key_mangler() const {
  std::shared_lock lock(mangling_mutex_);
  return key_mangler_;
}

void Backend::set_no_expiry_keys(std::set<std::string> raw_keys) {
  std::unique_lock lock(mangling_mutex_);
  hashed_no_expiry_keys_ = hash_keys(raw_keys, key_mangler_);
  raw_no_expiry_keys_ = std::move(raw_keys);
}

std::set<std::string> Backend::raw_no_expiry_keys() const {
  std::shared_lock lock(mangling_mutex_);
  return raw_no_expiry_keys_;
}

std::set<std::string> Backend::no_expiry_hashed_keys() const {
  std::shared_lock lock(mangling_mutex_);
  return hashed_no_expiry_keys_;
}

bool Backend::is_no_expiry_key(std::string_view stored_key) const {
  std::shared_lock lock(mangling_mutex_);
  if (hashed_no_expiry_keys_.empty()) return false;
  return hashed_no_expiry_keys_.find(std::string(stored_key)) !=
         hashed_no_expiry_keys_.end();
}

void Backend::adopt_time_source(std::shared_ptr<const TimeSource> clock) {
  clock_ = std::move(clock);
}

TimePoint Backend::now() const { return clock_->now(); }

}  // namespace regionkv
