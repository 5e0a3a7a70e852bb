// The scenario of tests/support/takeover_during_locked_write.h on Redis: a
// holder's locked write stalls at its store's clock read -- the last thing
// the redis store does before it sends the script -- while the lease ends on
// the server and another thread takes the lock over and writes.
//
// On Redis nothing in this process holds the lock, so the takeover is
// granted during the stall, as on memcached. What differs is the stale
// write: memcached reads the record before the stall and writes after it, so
// the write lands over the successor's (memcached_backend_test.cc pins
// that); here the token check happens in the server's script, in the same
// step as the write, so the stale write finds the successor's token and is
// refused. The stall can only fall before the check, never between it and
// the write.
#include <gtest/gtest.h>

#include "tests/redis/live_redis.h"
#include "tests/support/takeover_during_locked_write.h"

namespace regionkv::testing {
namespace {

TEST(RedisAtomicity, ATakeoverDuringAStalledLockedWriteMakesTheServerRefuseIt) {
  REGIONKV_REQUIRE_REDIS();
  RedisServer server;
  RegionConfig config;
  config.backing_store = "redis";
  config.backend_args = redis_args(server);
  const TakeoverObserved observed =
      takeover_during_locked_write(config, [&](Region& region, GateClock&) {
        // The lease runs out on the server: its record vanishes. (The gate
        // clock stops the region's time, not Redis'.)
        server.command({"DEL", redis_backend_of(region).redis_key("_lockk")});
      });
  EXPECT_TRUE(observed.granted_during_write) << "nothing in the client holds the lock";
  EXPECT_EQ(observed.stale_write, LockedWriteResult::kLockLost)
      << "the stale holder's write was applied after the takeover";
  EXPECT_EQ(observed.final_value, "new");
}

}  // namespace
}  // namespace regionkv::testing
