// The default implementations of MemcachedDriver's composite calls.
#include "regionkv/memcached.h"

namespace regionkv {

void MemcachedDriver::set_multi(const std::vector<std::pair<std::string, std::string>>& items,
                                MemcachedExpiry expiry) {
  for (const auto& [key, value] : items) set(key, value, expiry);
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
