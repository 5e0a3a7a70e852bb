// Turning the region's absolute expiry times into memcached expiries.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_EXPIRY_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_EXPIRY_H_

#include "regionkv/backend.h"
#include "regionkv/memcached.h"

namespace regionkv::memcached {

// The largest expiry the ASCII protocol parses (a signed 32-bit number):
// later absolute times are clamped to it, in January 2038.
inline constexpr MemcachedExpiry kLatestAbsoluteExpiry = 0x7fffffff;

// An absolute time long past: a write with it expires at once. memcached
// reads any value over 30 days as a Unix time and treats one before the
// server started as already expired.
inline constexpr MemcachedExpiry kAlreadyExpired = kMemcachedMaxRelativeExpiry + 1;

// nullopt → 0 (never). Otherwise the seconds from `now` to `expires_at`,
// rounded up and at least 1 (memcached would read 0 as "never"); beyond 30
// days the absolute Unix time instead, rounded up, as the protocol demands.
MemcachedExpiry to_memcached_expiry(ExpiresAt expires_at, TimePoint now);

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_EXPIRY_H_
