// A region's values and locks on a live server or cluster, built the way a
// backend builds them: one client, one key layout.
#ifndef REGIONKV_TESTS_REDIS_LIVE_REGION_H_
#define REGIONKV_TESTS_REDIS_LIVE_REGION_H_

#include <string>

#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/region_locks.h"
#include "region/backends/redis/region_values.h"

namespace regionkv::testing {

struct LiveRegion {
  LiveRegion(const redis::RedisOptions& options, const std::string& name)
      : client(options), layout(name, options.cluster_mode()) {}

  redis::RedisClient client;
  redis::KeyLayout layout;
  redis::RegionValues values{client, layout};
  redis::RegionLocks locks{client, layout};
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_REDIS_LIVE_REGION_H_
