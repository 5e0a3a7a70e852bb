// The default implementations of MemcachedDriver's composite calls.
#include "regionkv/memcached.h"

namespace regionkv {

void MemcachedDriver::set_multi(const std::vector<std::pair<std::string, std::string>>& items,
                                MemcachedExpiry expiry) {
  for (const auto& [key, value] : items) set(key, value, expiry);
}

std::uint64_t MemcachedDriver::increment_with_affinity(std::string_view key,
                                                       std::uint64_t delta,
                                                       std::uint64_t initial,
                                                       std::string_view /*affinity_key*/) {
  return increment(key, delta, initial);
}

void MemcachedDriver::cas_erase_without_reply(std::string_view key, std::uint64_t cas) {
  cas_erase(key, cas);
}

std::optional<MemcachedItem> MemcachedDriver::add_and_get(std::string_view key,
                                                          std::string_view value,
                                                          MemcachedExpiry expiry) {
  add(key, value, expiry);
  return get(key);
}

}  // namespace regionkv
