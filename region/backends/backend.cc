// Backend's defaults: multi-key calls as loops, size limits, nothing to
// sweep, and the region context it reads (set by internal::BackendWiring).
#include "regionkv/backend.h"

namespace regionkv {

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

std::shared_ptr<const RegionContext> Backend::unattached_context() {
  static const auto context = std::make_shared<const RegionContext>("", system_time_source());
  return context;
}

}  // namespace regionkv
