#include "region/backends/memcached/memcached_expiry.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace regionkv::memcached {
namespace {

// Whole seconds in `d`, rounded up.
std::int64_t ceil_seconds(Clock::duration d) {
  return std::chrono::ceil<std::chrono::seconds>(d).count();
}

}  // namespace

MemcachedExpiry to_memcached_expiry(ExpiresAt expires_at, TimePoint now) {
  if (!expires_at) return 0;
  const std::int64_t relative = std::max<std::int64_t>(1, ceil_seconds(*expires_at - now));
  if (relative <= kMemcachedMaxRelativeExpiry) return static_cast<MemcachedExpiry>(relative);
  // Past 30 days memcached wants a Unix time. It must itself read as one
  // (over 30 days), which only a clock set near 1970 could violate.
  const std::int64_t absolute = ceil_seconds(expires_at->time_since_epoch());
  return static_cast<MemcachedExpiry>(
      std::clamp<std::int64_t>(absolute, kAlreadyExpired, kLatestAbsoluteExpiry));
}

}  // namespace regionkv::memcached
