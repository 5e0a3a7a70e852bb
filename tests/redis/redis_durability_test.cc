// What survives kill -9 of redis-server with appendfsync always: every
// acknowledged write, and fencing tokens, which never go backwards -- first
// through the store's client, then through Region.
// (docs/redis.md says what everysec and a replica's failover can lose.)
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/unix_ms.h"
#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"
#include "tests/redis/live_region.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

const TimePoint kNow = common::from_unix_ms(1'700'000'000'000);
constexpr milliseconds kLease{60'000};

class KilledWithFsyncAlways : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace(RedisServerOptions{.append_only = AppendOnly::kFsyncAlways});
    region_.emplace(options_for(*server_), "durable");
  }

  void kill_and_restart() {
    server_->kill();
    server_->restart();
  }

  std::optional<RedisServer> server_;
  std::optional<LiveRegion> region_;
};

TEST_F(KilledWithFsyncAlways, AcknowledgedValuesSurvive) {
  std::vector<redis::ValueWrite> batch;
  for (int i = 0; i < 100; ++i) {
    region_->values.set("single-" + std::to_string(i), "v" + std::to_string(i), std::nullopt);
    batch.push_back({"batch-" + std::to_string(i), "b" + std::to_string(i), std::nullopt});
  }
  region_->values.set_multi(batch);
  kill_and_restart();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(region_->values.get("single-" + std::to_string(i)), "v" + std::to_string(i));
    EXPECT_EQ(region_->values.get("batch-" + std::to_string(i)), "b" + std::to_string(i));
  }
}

TEST_F(KilledWithFsyncAlways, AHeldLockSurvivesAndItsLeaseKeepsRunning) {
  const auto grant = region_->locks.acquire("_lockk", kNow, kLease).grant;
  ASSERT_TRUE(grant);
  kill_and_restart();
  const auto refused = region_->locks.acquire("_lockk", kNow, kLease);
  EXPECT_FALSE(refused.grant);
  ASSERT_TRUE(refused.holder_lease_ends);
  EXPECT_LE(*refused.holder_lease_ends, kNow + kLease);
  EXPECT_EQ(region_->locks.release("_lockk", grant->fencing_token), ReleaseResult::kReleased);
}

// Tokens granted while the server is killed: every one acknowledged before
// the kill was in the AOF, so the next token after the restart is larger.
TEST_F(KilledWithFsyncAlways, TokensNeverGoBackwardsAcrossAKillUnderLoad) {
  std::atomic<std::uint64_t> largest_acknowledged{0};
  std::atomic<bool> server_gone{false};
  std::thread locker([&] {
    for (int i = 0; !server_gone; ++i) {
      const std::string lock_key = "_lockkey-" + std::to_string(i % 8);
      try {
        const auto grant = region_->locks.acquire(lock_key, kNow, kLease).grant;
        if (grant) {
          largest_acknowledged = std::max(largest_acknowledged.load(), grant->fencing_token);
          region_->locks.release(lock_key, grant->fencing_token);
        }
      } catch (const StorageError&) {
        server_gone = true;
      }
    }
  });
  // Under load: the kill comes once grants are flowing, however slowly the
  // locker thread got going.
  ASSERT_TRUE(eventually([&] { return largest_acknowledged.load() >= 50; }));
  server_->kill();
  locker.join();
  server_->restart();
  const auto after = region_->locks.acquire("_lockafter", kNow, kLease).grant;
  ASSERT_TRUE(after);
  EXPECT_GT(after->fencing_token, largest_acknowledged.load());
}

TEST_F(KilledWithFsyncAlways, TheFencingCounterHasNoExpiry) {
  ASSERT_TRUE(region_->locks.acquire("_lockk", kNow, kLease).grant);
  EXPECT_EQ(server_->command({"PTTL", region_->layout.counter_key("_lockk")}), "-1");
}

TEST(KilledThroughRegion, AcknowledgedWritesHeldLocksAndTokensSurviveAKill) {
  REGIONKV_REQUIRE_REDIS();
  RedisServer server(RedisServerOptions{.append_only = AppendOnly::kFsyncAlways});
  RedisRegionClient client;
  RegionConfig config;
  config.lock_timeout = std::chrono::seconds(60);
  config.max_lock_attempts = 1;
  Region& region = client.region("durable", redis_args(server), config);
  std::map<std::string, std::string> batch;
  for (int i = 0; i < 50; ++i) {
    region.set("single-" + std::to_string(i), "v" + std::to_string(i));
    batch["batch-" + std::to_string(i)] = "b" + std::to_string(i);
  }
  region.set_multi(batch);
  std::uint64_t largest = 0;
  for (int i = 0; i < 20; ++i)
    largest = region.get_lock("cycled-" + std::to_string(i)).fencing_token();
  Lock held = region.get_lock("held");
  region.set("held", "before", held);

  server.kill();
  EXPECT_THROW(region.get("single-0"), StorageError);
  server.restart();

  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(region.get("single-" + std::to_string(i)), "v" + std::to_string(i));
    EXPECT_EQ(region.get("batch-" + std::to_string(i)), "b" + std::to_string(i));
  }
  RedisRegionClient other;
  Region& theirs = other.region("durable", redis_args(server), config);
  EXPECT_THROW(theirs.get_lock("held"), LockUnavailable) << "the held lock was lost";
  region.set("held", "after", held);
  EXPECT_EQ(region.get("held"), "after");
  held.release();
  Lock next = theirs.get_lock("held");
  EXPECT_GT(next.fencing_token(), std::max(largest, held.fencing_token()))
      << "a token went backwards across the restart";
}

}  // namespace
}  // namespace regionkv::testing
