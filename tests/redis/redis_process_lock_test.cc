// Two OS processes contend for one lock on a real Redis server. The first
// holder is stopped (SIGSTOP) in the middle of a locked write -- after it
// read its clock, before its write reached the server -- and kept stopped
// past its lease; the second takes the lock over and writes. Resumed, the
// first goes on believing its lease young (the time it read says so, and the
// region's own check passes), yet the server refuses the write: the check of
// the record's token and the write are one script, so there is no moment at
// which a stale write can land (memcached's check-then-write has one:
// tests/memcached/memcached_backend_test.cc).
#include <gtest/gtest.h>

#include <chrono>

#include "lock/lease_record.h"
#include "tests/redis/live_redis.h"
#include "tests/support/piped_child.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

TEST(RedisProcessLock, AHolderStoppedMidWriteIsRefusedByTheServerAfterATakeover) {
  REGIONKV_REQUIRE_REDIS();
  RedisServer server;
  TempDir dir;
  const std::string region_name = random_hex();
  // lock_timeout 1.5 s: a 2.5 s lease on the server, locked writes allowed
  // in its first half second (the write below starts at once). The lease
  // starts after this moment, however long the steps below take.
  const auto contender_started = std::chrono::steady_clock::now();
  PipedChild contender({REGIONKV_REDIS_LOCK_CONTENDER_PATH, server.url(), region_name, "k",
                        "1500", dir.sub("contender")});
  const std::string locked = contender.read_line();
  ASSERT_EQ(locked.rfind("locked ", 0), 0u) << locked;
  const std::uint64_t contender_token = std::stoull(locked.substr(7));
  contender.write_line("write");
  ASSERT_EQ(contender.read_line(), "at-gate");
  contender.pause();

  RedisRegionClient self;
  RegionConfig config;
  config.max_lock_attempts = 100;
  Region& region = self.region(region_name, redis_args(server), config);
  Lock lock = region.get_lock("k");
  EXPECT_GE(std::chrono::steady_clock::now() - contender_started, milliseconds(2500))
      << "the lock was taken over only when the stopped holder's lease ran out";
  EXPECT_GT(lock.fencing_token(), contender_token);
  region.set("k", "from-successor", lock);

  contender.resume();
  contender.write_line("go");
  const std::string refused = contender.read_line();
  EXPECT_EQ(refused.rfind("refused LockTimeout", 0), 0u) << refused;
  EXPECT_NE(refused.find("the lock was lost"), std::string::npos)
      << "refused by the server's script, not by the region's own check: " << refused;
  EXPECT_EQ(contender.read_line(), "released");
  EXPECT_EQ(contender.wait(), 0);

  EXPECT_EQ(region.get("k"), "from-successor") << "the stale write landed";
  const auto record = region.backend().get(lock::lock_record_key(xxh3_mangle_key("k")));
  ASSERT_TRUE(record) << "the stopped holder's release deleted its successor's lock";
  EXPECT_EQ(lock::decode_lease(*record).fencing_token, lock.fencing_token());
}

TEST(RedisProcessLock, IsLockedWhileAnotherProcessHoldsTheLock) {
  REGIONKV_REQUIRE_REDIS();
  RedisServer server;
  TempDir dir;
  const std::string region_name = random_hex();
  PipedChild contender({REGIONKV_REDIS_LOCK_CONTENDER_PATH, server.url(), region_name, "k",
                        "30000", dir.sub("contender")});
  RedisRegionClient self;
  Region& region = self.region(region_name, redis_args(server));
  const std::string locked = contender.read_line();
  ASSERT_EQ(locked.rfind("locked ", 0), 0u) << locked;
  EXPECT_TRUE(region.is_locked("k"));
  contender.write_line("write");
  ASSERT_EQ(contender.read_line(), "at-gate");
  contender.write_line("go");
  EXPECT_EQ(contender.read_line(), "written") << "asking took the lock from its holder";
  ASSERT_EQ(contender.read_line(), "released");
  EXPECT_FALSE(region.is_locked("k"));
  EXPECT_EQ(contender.wait(), 0);
  EXPECT_EQ(region.get("k"), "from-contender");
}

}  // namespace
}  // namespace regionkv::testing
