#include "tests/memcached/recording_memcached_driver.h"

namespace regionkv::testing {

RecordingMemcachedDriver::RecordingMemcachedDriver(const RegionConfig& config)
    : ascii_keys_([&] {
        const auto it = config.backend_args.find("ascii_keys");
        return it != config.backend_args.end() && it->second == "true";
      }()) {}

void RecordingMemcachedDriver::register_driver() {
  register_memcached_driver(kRecordingDriver, [](const RegionConfig& config) {
    return std::make_unique<RecordingMemcachedDriver>(config);
  });
}

std::map<std::string, std::int64_t> RecordingMemcachedDriver::set_arguments_passed() const {
  std::lock_guard lock(mutex_);
  return set_arguments_;
}

std::map<std::string, std::string> RecordingMemcachedDriver::keys_values() const {
  std::lock_guard lock(mutex_);
  return last_keys_values_;
}

std::map<std::string, std::string> RecordingMemcachedDriver::items() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : items_) out[key] = item.value;
  return out;
}

int RecordingMemcachedDriver::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

void RecordingMemcachedDriver::overwrite(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  store_locked(key, value);
}

void RecordingMemcachedDriver::store_locked(std::string_view key, std::string_view value) {
  items_.insert_or_assign(std::string(key), Item{std::string(value), next_cas_++});
  ++writes_;
}

void RecordingMemcachedDriver::record_locked(std::map<std::string, std::string> items,
                                             MemcachedExpiry expiry) {
  // As the seed's dogpile driver: "time" only when there is an expiry.
  set_arguments_.clear();
  if (expiry != 0) set_arguments_["time"] = expiry;
  last_keys_values_ = std::move(items);
}

std::optional<MemcachedItem> RecordingMemcachedDriver::get(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return MemcachedItem{it->second.value, it->second.cas};
}

std::vector<std::optional<std::string>> RecordingMemcachedDriver::get_multi(
    const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  std::vector<std::optional<std::string>> values;
  for (const auto& key : keys) {
    const auto it = items_.find(key);
    values.push_back(it == items_.end() ? std::nullopt
                                        : std::optional<std::string>(it->second.value));
  }
  return values;
}

void RecordingMemcachedDriver::set(std::string_view key, std::string_view value,
                                   MemcachedExpiry expiry) {
  std::lock_guard lock(mutex_);
  store_locked(key, value);
  record_locked({{std::string(key), std::string(value)}}, expiry);
}

void RecordingMemcachedDriver::set_multi(
    const std::vector<std::pair<std::string, std::string>>& items, MemcachedExpiry expiry) {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> mapping;
  for (const auto& [key, value] : items) {
    store_locked(key, value);
    mapping[key] = value;
  }
  record_locked(std::move(mapping), expiry);
}

bool RecordingMemcachedDriver::add(std::string_view key, std::string_view value,
                                   MemcachedExpiry /*expiry*/) {
  std::lock_guard lock(mutex_);
  if (items_.find(key) != items_.end()) return false;
  store_locked(key, value);
  return true;
}

CasResult RecordingMemcachedDriver::cas_erase(std::string_view key, std::uint64_t cas) {
  std::lock_guard lock(mutex_);
  const auto it = items_.find(key);
  if (it == items_.end()) return CasResult::kAbsent;
  if (it->second.cas != cas) return CasResult::kChanged;
  items_.erase(it);
  return CasResult::kStored;
}

bool RecordingMemcachedDriver::erase(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto it = items_.find(key);
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}

std::uint64_t RecordingMemcachedDriver::increment(std::string_view key, std::uint64_t delta,
                                                  std::uint64_t initial) {
  std::lock_guard lock(mutex_);
  const auto it = items_.find(key);
  const std::uint64_t value = it == items_.end() ? initial : std::stoull(it->second.value) + delta;
  store_locked(key, std::to_string(value));
  return value;
}

}  // namespace regionkv::testing
