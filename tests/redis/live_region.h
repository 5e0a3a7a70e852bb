// A region's values and locks on a live server or cluster, built the way a
// backend builds them: one client, one key layout.
#ifndef REGIONKV_TESTS_REDIS_LIVE_REGION_H_
#define REGIONKV_TESTS_REDIS_LIVE_REGION_H_

#include <string>

#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/lock_steps.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/region_values.h"

namespace regionkv::testing {

// The lock steps (lock_steps.h) on one client and key layout, with the
// caller's clock passed to each: what the redis store's LockBackend sends,
// without its key checks.
struct LiveLockSteps {
  LockAttempt acquire(std::string_view lock_key, TimePoint now, std::chrono::milliseconds lease) {
    return redis::acquire_lock(client, layout, lock_key, now, lease);
  }
  ReleaseResult release(std::string_view lock_key, std::uint64_t fencing_token) {
    return redis::release_lock(client, layout, lock_key, fencing_token);
  }
  LockedWriteResult set_locked(std::string_view key, std::string_view value,
                               const redis::TimeToLive& ttl, std::string_view lock_key,
                               std::uint64_t fencing_token, TimePoint now) {
    return redis::set_locked(client, layout, key, value, ttl, lock_key, fencing_token, now);
  }
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token, TimePoint now) {
    return redis::erase_locked(client, layout, key, lock_key, fencing_token, now);
  }

  redis::RedisClient& client;
  const redis::KeyLayout& layout;
};

struct LiveRegion {
  LiveRegion(const redis::RedisOptions& options, const std::string& name)
      : client(options), layout(name, options.cluster_mode()) {}

  redis::RedisClient client;
  redis::KeyLayout layout;
  redis::RegionValues values{client, layout};
  LiveLockSteps locks{client, layout};
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_REDIS_LIVE_REGION_H_
