// No-expiry keys: their values never expire, whenever they joined the set;
// the set is held hashed through the effective mangler and follows it; the
// sweeper and the compaction filter spare them too, also for a RocksDB
// region this process has not configured (the set is persisted).
#include "engine/no_expiry_keys.h"
#include "region/store_internals.h"

#include <gtest/gtest.h>

#include "engine/record.h"
#include "tests/expiry/expiry_test_util.h"

namespace regionkv::testing {
namespace {

class NoExpiryKeysTest : public ::testing::TestWithParam<std::string> {
 protected:
  Region& region() { return store_.store().region("tokens"); }

  ManualStore store_;
};

TEST_P(NoExpiryKeysTest, NoExpiryKeyOutlivesExpireTimeAndSweeps) {
  region().configure(expiring(GetParam(), {"keep"}));
  region().set("keep", "kept");
  region().set("drop", "dropped");
  store_.clock().advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(region().find("keep"), "kept");
  EXPECT_EQ(region().find("drop"), std::nullopt);
  EXPECT_EQ(store_.store().sweep_now(), 1u);
  EXPECT_EQ(region().find("keep"), "kept");
}

TEST_P(NoExpiryKeysTest, HashedSetFollowsManglerChange) {
  RegionConfig config = expiring(GetParam(), {"keep"});
  config.key_mangler = prefix_mangler("one:");
  region().configure(config);
  ASSERT_EQ(region().backend().no_expiry_hashed_keys(),
            std::set<std::string>{"one:keep"});
  region().set("drop", "old");

  region().set_key_mangler(prefix_mangler("two:"));
  EXPECT_EQ(region().backend().no_expiry_hashed_keys(),
            std::set<std::string>{"two:keep"});
  region().set("keep", "kept");
  region().set("drop", "new");
  store_.clock().advance(std::chrono::hours(1));

  EXPECT_EQ(region().find("keep"), "kept");
  EXPECT_EQ(region().find("drop"), std::nullopt);
  EXPECT_EQ(store_.store().sweep_now(), 2u);  // "one:drop" and "two:drop"
  EXPECT_TRUE(holds_record(store_.store(), region(), "two:keep"));
  EXPECT_EQ(region().find("keep"), "kept");
}

TEST_P(NoExpiryKeysTest, EmptyManglerUsesRawSet) {
  region().configure(expiring(GetParam(), {"keep"}));
  region().set_key_mangler({});
  EXPECT_EQ(region().backend().no_expiry_hashed_keys(), std::set<std::string>{"keep"});
  region().set("keep", "kept");
  store_.clock().advance(std::chrono::hours(1));
  EXPECT_EQ(store_.store().sweep_now(), 0u);
  EXPECT_EQ(region().find("keep"), "kept");
  EXPECT_TRUE(holds_record(store_.store(), region(), "keep"));
}

TEST_P(NoExpiryKeysTest, KeyWrittenBeforeJoiningSetNeverExpires) {
  region().configure(expiring(GetParam()));
  region().set("late", "v");  // stored with an expiry
  region().set_no_expiry_keys({"late"});
  store_.clock().advance(std::chrono::hours(1));
  EXPECT_EQ(region().find("late"), "v");
  EXPECT_EQ(store_.store().sweep_now(), 0u);
  EXPECT_EQ(region().find("late"), "v");
}

INSTANTIATE_TEST_SUITE_P(BuiltInStores, NoExpiryKeysTest,
                         ::testing::Values("rocksdb", "memory"),
                         [](const auto& info) { return info.param; });

// ---- RocksDB regions across reopening --------------------------------------

class PersistedNoExpiryKeysTest : public ::testing::Test {
 protected:
  Region& region() { return store_.store().region("tokens"); }

  ManualStore store_;
};

TEST_F(PersistedNoExpiryKeysTest, KeyWrittenBeforeReopenNeverExpiresOnceConfigured) {
  region().configure(expiring("rocksdb"));
  region().set("late", "v");
  store_.reopen();
  region().configure(expiring("rocksdb", {"late"}));
  store_.clock().advance(std::chrono::hours(1));
  EXPECT_EQ(region().find("late"), "v");
  EXPECT_EQ(store_.store().sweep_now(), 0u);
  EXPECT_EQ(region().find("late"), "v");
}

TEST_F(PersistedNoExpiryKeysTest, UnconfiguredRegionIsSweptByItsPersistedSet) {
  region().configure(expiring("rocksdb", {"keep"}));
  region().set("late", "v");
  region().set("drop", "w");
  region().set_no_expiry_keys({"keep", "late"});
  store_.reopen();
  store_.clock().advance(std::chrono::hours(1));

  EXPECT_EQ(store_.store().sweep_now(), 1u);  // "drop"; "late" is exempt
  const KeyMangler mangler = xxh3_key_mangler();
  EXPECT_EQ(raw_keys(store_.store(), "tokens"),
            std::vector<std::string>{mangler("late")});
  region().configure(expiring("rocksdb", {"keep", "late"}));
  EXPECT_EQ(region().find("late"), "v");
}

TEST_F(PersistedNoExpiryKeysTest, PersistedSetFollowsManglerChange) {
  RegionConfig config = expiring("rocksdb", {"keep"});
  config.key_mangler = prefix_mangler("one:");
  region().configure(config);
  region().set_key_mangler(prefix_mangler("two:"));
  std::string bytes;
  ASSERT_TRUE(StoreInternals::engine(store_.store())
                  .db()
                  .Get(rocksdb::ReadOptions(),
                       engine::NoExpiryKeys::metadata_key("tokens"), &bytes)
                  .ok());
  EXPECT_EQ(engine::NoExpiryKeys::decode(bytes),
            engine::NoExpiryKeys::KeySet{"two:keep"});
}

TEST_F(PersistedNoExpiryKeysTest, RegionWithUnknownSetKeepsExpiredValuesButNotLeases) {
  // A column family no process has configured as a region: nothing persisted.
  engine::Engine& engine = StoreInternals::engine(store_.store());
  rocksdb::ColumnFamilyHandle* family = engine.column_family("bare");
  const TimePoint expired_at = store_.clock().now();
  ASSERT_TRUE(engine.db()
                  .Put(rocksdb::WriteOptions(), family, "value",
                       engine::encode_record(engine::RecordKind::kValue, expired_at, "v"))
                  .ok());
  ASSERT_TRUE(engine.db()
                  .Put(rocksdb::WriteOptions(), family, "_lockvalue",
                       engine::encode_record(engine::RecordKind::kLock, expired_at,
                                             std::string(24, '\0')))
                  .ok());
  EXPECT_EQ(store_.store().sweep_now(), 1u);
  EXPECT_EQ(raw_keys(store_.store(), "bare"), std::vector<std::string>{"value"});
}

TEST(NoExpiryKeysFormatTest, EncodingRoundTrips) {
  const engine::NoExpiryKeys::KeySet keys{"", "a", std::string("b\0c", 3)};
  EXPECT_EQ(engine::NoExpiryKeys::decode(engine::NoExpiryKeys::encode(keys)), keys);
}

TEST(NoExpiryKeysFormatTest, MalformedBytesDecodeAsUnknown) {
  std::string bytes = engine::NoExpiryKeys::encode({"abc"});
  EXPECT_EQ(engine::NoExpiryKeys::decode(bytes.substr(0, bytes.size() - 1)),
            std::nullopt);
  EXPECT_EQ(engine::NoExpiryKeys::decode(bytes + "x"), std::nullopt);
  EXPECT_EQ(engine::NoExpiryKeys::decode("ab"), std::nullopt);
}

}  // namespace
}  // namespace regionkv::testing
