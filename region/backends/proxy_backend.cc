// ProxyBackend forwards everything to the backend it wraps.
#include <stdexcept>

#include "regionkv/backend.h"

namespace regionkv {

Backend& ProxyBackend::proxied() const {
  if (!proxied_) throw std::logic_error("ProxyBackend used before a region configured it");
  return *proxied_;
}

std::optional<std::string> ProxyBackend::get(std::string_view key) {
  return proxied().get(key);
}
void ProxyBackend::set(std::string_view key, std::string_view value,
                       ExpiresAt expires_at) {
  proxied().set(key, value, expires_at);
}
bool ProxyBackend::erase(std::string_view key) { return proxied().erase(key); }
std::vector<std::optional<std::string>> ProxyBackend::get_multi(
    const std::vector<std::string>& keys) {
  return proxied().get_multi(keys);
}
void ProxyBackend::set_multi(const std::vector<WriteItem>& items) {
  proxied().set_multi(items);
}
void ProxyBackend::erase_multi(const std::vector<std::string>& keys) {
  proxied().erase_multi(keys);
}
std::size_t ProxyBackend::max_value_size() const { return proxied().max_value_size(); }
std::size_t ProxyBackend::max_key_size() const { return proxied().max_key_size(); }

SweepProgress ProxyBackend::sweep_expired(TimePoint now, std::string_view resume_from,
                                          std::chrono::steady_clock::time_point deadline) {
  return proxied().sweep_expired(now, resume_from, deadline);
}

std::vector<ServerStats> ProxyBackend::server_stats() const { return proxied().server_stats(); }

LockBackend* ProxyBackend::native_locks() { return proxied().native_locks(); }

KeyMangler ProxyBackend::native_key_mangler() const {
  return proxied().native_key_mangler();
}
bool ProxyBackend::use_backend_key_mangler() const {
  return proxied().use_backend_key_mangler();
}

}  // namespace regionkv
