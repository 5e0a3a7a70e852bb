// A region's values on one server (standalone mode).
#include "region/backends/redis/region_values.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"
#include "tests/redis/live_region.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

class StandaloneValues : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
    region_.emplace(options_for(*server_), "tokens");
  }

  redis::RegionValues& values() { return region_->values; }
  std::string redis_key(const std::string& key) { return region_->layout.redis_key(key); }
  long long pttl(const std::string& key) {
    return std::stoll(server_->command({"PTTL", redis_key(key)}));
  }

  std::optional<RedisServer> server_;
  std::optional<LiveRegion> region_;
};

TEST_F(StandaloneValues, ValuesRoundTripAnyBytes) {
  const std::string key("k\0ey\r\n", 6);
  const std::string value("v\0al\xff", 5);
  values().set(key, value, std::nullopt);
  EXPECT_EQ(values().get(key), value);
}

TEST_F(StandaloneValues, AnAbsentKeyReadsAsNothing) { EXPECT_FALSE(values().get("absent")); }

TEST_F(StandaloneValues, AValueIsStoredUnderTheRegionsLayout) {
  values().set("k", "v", std::nullopt);
  EXPECT_EQ(server_->command({"GET", redis_key("k")}), "v");
  EXPECT_EQ(server_->command({"KEYS", "rkv:tokens:*"}), redis_key("k"));
}

TEST_F(StandaloneValues, ATimeToLiveBecomesTheServersExpiry) {
  values().set("k", "v", milliseconds(60'000));
  EXPECT_GT(pttl("k"), 59'000);
  EXPECT_LE(pttl("k"), 60'000);
}

TEST_F(StandaloneValues, AValueExpiresOnTheServer) {
  values().set("k", "v", milliseconds(30));
  EXPECT_TRUE(eventually([&] { return !values().get("k"); }, std::chrono::seconds(2)));
}

TEST_F(StandaloneValues, AValueWithoutExpiryDropsAnEarlierOne) {
  values().set("k", "v1", milliseconds(60'000));
  values().set("k", "v2", std::nullopt);
  EXPECT_EQ(pttl("k"), -1);
  EXPECT_EQ(values().get("k"), "v2");
}

TEST_F(StandaloneValues, AValueExpiredAlreadyDeletesTheKey) {
  values().set("k", "v1", std::nullopt);
  values().set("k", "v2", milliseconds(0));
  EXPECT_FALSE(values().get("k"));
}

TEST_F(StandaloneValues, EraseSaysWhetherAValueWasThere) {
  values().set("k", "v", std::nullopt);
  EXPECT_TRUE(values().erase("k"));
  EXPECT_FALSE(values().erase("k"));
  EXPECT_FALSE(values().get("k"));
}

TEST_F(StandaloneValues, GetMultiAnswersInKeyOrderWithMisses) {
  values().set("a", "1", std::nullopt);
  values().set("c", "3", std::nullopt);
  EXPECT_EQ(values().get_multi({"c", "b", "a"}),
            (std::vector<std::optional<std::string>>{"3", std::nullopt, "1"}));
  EXPECT_TRUE(values().get_multi({}).empty());
}

TEST_F(StandaloneValues, SetMultiGivesEachValueItsOwnExpiry) {
  values().set("gone", "old", std::nullopt);
  values().set_multi({{"forever", "f", std::nullopt},
                      {"brief", "b", milliseconds(60'000)},
                      {"gone", "g", milliseconds(0)}});
  EXPECT_EQ(values().get("forever"), "f");
  EXPECT_EQ(pttl("forever"), -1);
  EXPECT_GT(pttl("brief"), 59'000);
  EXPECT_FALSE(values().get("gone"));
}

TEST_F(StandaloneValues, SetMultiOfARepeatedKeyKeepsTheLast) {
  values().set_multi({{"k", "first", std::nullopt}, {"k", "last", std::nullopt}});
  EXPECT_EQ(values().get("k"), "last");
}

TEST_F(StandaloneValues, EraseMultiRemovesEveryKeyAndIgnoresAbsentOnes) {
  values().set_multi({{"a", "1", std::nullopt}, {"b", "2", std::nullopt}});
  values().erase_multi({"a", "b", "never-there"});
  EXPECT_EQ(values().get_multi({"a", "b"}),
            (std::vector<std::optional<std::string>>{std::nullopt, std::nullopt}));
}

// A reader sees all of a set_multi or none of it: MGET and the set_multi
// script each run as one step on the server.
TEST_F(StandaloneValues, SetMultiIsAtomicOnOneServer) {
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!done) {
      const auto read = values().get_multi({"x", "y", "z"});
      if (read[0] != read[1] || read[1] != read[2]) torn.fetch_add(1);
    }
  });
  for (int i = 0; i < 300; ++i) {
    const std::string v = std::to_string(i);
    values().set_multi({{"x", v, std::nullopt}, {"y", v, std::nullopt}, {"z", v, std::nullopt}});
  }
  done = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
}

TEST_F(StandaloneValues, RegionsSharingAServerStayApart) {
  LiveRegion other(options_for(*server_), "other");
  values().set("k", "mine", std::nullopt);
  other.values.set("k", "theirs", std::nullopt);
  EXPECT_EQ(values().get("k"), "mine");
  EXPECT_EQ(other.values.get("k"), "theirs");
}

TEST_F(StandaloneValues, AKeyHoldingAnotherKindOfValueIsCorruption) {
  server_->command({"HSET", redis_key("k"), "f", "v"});
  EXPECT_THROW(values().get("k"), Corruption);
}

}  // namespace
}  // namespace regionkv::testing
