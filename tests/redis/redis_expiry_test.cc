// Expiry on the redis store: the region's expire_time becomes each value's
// time to live on the server (PX, milliseconds), the server's clock runs it
// out, and no-expiry keys -- hashed through the mangler of the moment -- are
// written without one.
#include <gtest/gtest.h>

#include "tests/redis/live_redis.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

KeyMangler prefix_mangler(std::string prefix) {
  return [prefix](std::string_view key) { return prefix + std::string(key); };
}

class RedisExpiry : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
  }

  Region& region(RegionConfig config) {
    return client_.region(random_hex(), redis_args(*server_), std::move(config));
  }
  // The server's time to live of raw key `key` under `mangler` (the default:
  // xxh3), in ms; -1 none, -2 no such key.
  long long pttl(Region& r, const std::string& key, const KeyMangler& mangler = {}) {
    const std::string stored = mangler ? mangler(key) : xxh3_mangle_key(key);
    return std::stoll(server_->command({"PTTL", redis_backend_of(r).redis_key(stored)}));
  }

  std::optional<RedisServer> server_;
  // On a manual clock: the region's time is only what sets a time to live.
  std::shared_ptr<ManualTimeSource> clock_ =
      std::make_shared<ManualTimeSource>(TimePoint(hours(24 * 365 * 50)));
  RedisRegionClient client_{clock_};
};

TEST_F(RedisExpiry, AValueExpiresOnTheServerButANoExpiryKeyStays) {
  RegionConfig config;
  config.expire_time = milliseconds(200);
  config.no_expiry_keys = {"forever"};
  Region& r = region(config);
  r.set("brief", "v");
  r.set("forever", "v");
  EXPECT_GT(pttl(r, "brief"), 0);
  EXPECT_LE(pttl(r, "brief"), 200);
  EXPECT_EQ(pttl(r, "forever"), -1);
  EXPECT_TRUE(eventually([&] { return !r.find("brief"); }, std::chrono::seconds(5)));
  EXPECT_EQ(r.get("forever"), "v");
}

// The time to live is expire_time whatever the region's clock reads: the
// clocks of the region and the server need not agree.
TEST_F(RedisExpiry, TheTimeToLiveIsExpireTimeWhateverTheRegionsClockSays) {
  RegionConfig config;
  config.expire_time = hours(24);
  Region& r = region(config);
  r.set("k", "v");
  clock_->advance(hours(24 * 365));
  r.set("later", "v");
  for (const char* key : {"k", "later"}) {
    EXPECT_GT(pttl(r, key), 86'400'000 - 60'000) << key;
    EXPECT_LE(pttl(r, key), 86'400'000) << key;
  }
}

TEST_F(RedisExpiry, SetMultiAndLockedWritesCarryEachKeysExpiry) {
  RegionConfig config;
  config.expire_time = hours(1);
  config.no_expiry_keys = {"keep"};
  Region& r = region(config);
  r.set_multi({{"a", "1"}, {"keep", "2"}});
  EXPECT_GT(pttl(r, "a"), 0);
  EXPECT_EQ(pttl(r, "keep"), -1);
  {
    Lock lock = r.get_lock("b");
    r.set("b", "3", lock);
  }
  EXPECT_GT(pttl(r, "b"), 0);
  Lock lock = r.get_lock("keep");
  r.set("keep", "4", lock);
  EXPECT_EQ(pttl(r, "keep"), -1);
}

// A key that joins the no-expiry set is written without an expiry from
// then on, and a rewrite drops the one it had. (A value written earlier and
// not rewritten keeps the expiry the server holds for it.)
TEST_F(RedisExpiry, ARewriteOfAKeyThatJoinedTheSetDropsItsExpiry) {
  RegionConfig config;
  config.expire_time = hours(1);
  Region& r = region(config);
  r.set("late", "v");
  EXPECT_GT(pttl(r, "late"), 0);
  r.set_no_expiry_keys({"late"});
  r.set("late", "w");
  EXPECT_EQ(pttl(r, "late"), -1);
}

TEST_F(RedisExpiry, NoExpiryKeysFollowTheMangler) {
  RegionConfig config;
  config.expire_time = hours(1);
  config.no_expiry_keys = {"keep"};
  config.key_mangler = prefix_mangler("one:");
  Region& r = region(config);
  EXPECT_EQ(r.backend().no_expiry_hashed_keys(), std::set<std::string>{"one:keep"});
  r.set("keep", "old");
  EXPECT_EQ(pttl(r, "keep", prefix_mangler("one:")), -1);

  r.set_key_mangler(prefix_mangler("two:"));
  EXPECT_EQ(r.backend().no_expiry_hashed_keys(), std::set<std::string>{"two:keep"});
  r.set("keep", "new");
  r.set("drop", "new");
  EXPECT_EQ(pttl(r, "keep", prefix_mangler("two:")), -1);
  EXPECT_GT(pttl(r, "drop", prefix_mangler("two:")), 0);
  EXPECT_EQ(r.get("keep"), "new");
}

TEST_F(RedisExpiry, AWriteThatIsAlreadyDueDeletesTheValue) {
  Region& r = region({});
  r.set("k", "v");
  const std::string stored = xxh3_mangle_key("k");
  r.backend().set(stored, "stale", clock_->now() - milliseconds(1));
  EXPECT_FALSE(r.find("k"));
  r.backend().set_multi({{stored, "stale", clock_->now()}});
  EXPECT_FALSE(r.find("k"));
}

}  // namespace
}  // namespace regionkv::testing
