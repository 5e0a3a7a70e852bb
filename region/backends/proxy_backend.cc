// ProxyBackend forwards everything to the backend it wraps.
#include <stdexcept>

#include "regionkv/backend.h"

namespace regionkv {

Backend& ProxyBackend::proxied() const {
  if (!proxied_) throw std::logic_error("ProxyBackend used before wrap()");
  return *proxied_;
}

void ProxyBackend::wrap(std::unique_ptr<Backend> inner) { proxied_ = std::move(inner); }

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

LockAttempt ProxyBackend::try_lock(std::string_view lock_key,
                                   const LeaseTerms& terms) {
  return proxied().try_lock(lock_key, terms);
}
void ProxyBackend::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  proxied().unlock(lock_key, fencing_token);
}
LockedWriteResult ProxyBackend::set_locked(std::string_view key,
                                           std::string_view value,
                                           ExpiresAt expires_at,
                                           std::string_view lock_key,
                                           std::uint64_t fencing_token) {
  return proxied().set_locked(key, value, expires_at, lock_key, fencing_token);
}
LockedWriteResult ProxyBackend::erase_locked(std::string_view key,
                                             std::string_view lock_key,
                                             std::uint64_t fencing_token) {
  return proxied().erase_locked(key, lock_key, fencing_token);
}

SweepProgress ProxyBackend::sweep_expired(TimePoint now, std::string_view resume_from,
                                          std::chrono::steady_clock::time_point deadline) {
  return proxied().sweep_expired(now, resume_from, deadline);
}

KeyMangler ProxyBackend::native_key_mangler() const {
  return proxied().native_key_mangler();
}
bool ProxyBackend::use_backend_key_mangler() const {
  return proxied().use_backend_key_mangler();
}
// Mangling state is kept at every level, so each backend in the chain holds
// the region's mangler (the seed checks the outermost one).
void ProxyBackend::set_key_mangler(KeyMangler mangler) {
  proxied().set_key_mangler(mangler);
  Backend::set_key_mangler(std::move(mangler));
}
void ProxyBackend::set_no_expiry_keys(std::set<std::string> raw_keys) {
  proxied().set_no_expiry_keys(raw_keys);
  Backend::set_no_expiry_keys(std::move(raw_keys));
}
void ProxyBackend::adopt_time_source(std::shared_ptr<const TimeSource> clock) {
  proxied().adopt_time_source(clock);
  Backend::adopt_time_source(std::move(clock));
}

}  // namespace regionkv
