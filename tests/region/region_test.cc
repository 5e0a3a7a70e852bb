// Region behaviour on both built-in stores: round-trips and the error table
// of the spec. Every failed call must leave stored data exactly as it was.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/message_of.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

class RegionTest : public ::testing::TestWithParam<std::string> {
 protected:
  Region& configured(RegionConfig config = {}) {
    config.backing_store = GetParam();
    Region& region = fixture_.region();
    region.configure(std::move(config));
    return region;
  }
  StoreFixture fixture_;
};

TEST_P(RegionTest, BinaryKeysAndValuesRoundTrip) {
  Region& region = configured();
  const std::string key("k\0ey\xff", 5);
  const std::string value("\0\x01\x02value\0", 10);
  region.set(key, value);
  EXPECT_EQ(region.get(key), value);
  EXPECT_EQ(region.find(key), value);
  EXPECT_EQ(region.find(std::string("k\0ex\xff", 5)), std::nullopt);
}

TEST_P(RegionTest, FourMebibyteValueRoundTrips) {
  Region& region = configured();
  std::string value(4 << 20, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i * 31);
  region.set("big", value);
  EXPECT_EQ(region.get("big"), value);
}

TEST_P(RegionTest, UnmangledKeysRoundTrip) {
  Region& region = configured(RegionConfig{.enable_key_mangler = false});
  region.set("plain", "v");
  EXPECT_EQ(region.get("plain"), "v");
}

TEST_P(RegionTest, GetMultiKeepsKeyOrderAndNamesEveryMissingKey) {
  Region& region = configured();
  region.set_multi({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  EXPECT_EQ(region.get_multi({"c", "a", "b"}), (std::vector<std::string>{"3", "1", "2"}));
  const std::string message = message_of([&] { region.get_multi({"a", "x", "y"}); });
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
  EXPECT_NE(message.find("'y'"), std::string::npos) << message;
  EXPECT_EQ(message.find("'a'"), std::string::npos) << message;
}

TEST_P(RegionTest, GetMultiOfManyKeysRepeatedAndSpreadOverTablesKeepsKeyOrder) {
  Region& region = configured();
  // One set per key: a set_multi of 300 keys holds a stripe mutex per key at
  // once, more than ThreadSanitizer's deadlock detector can track (64).
  for (int i = 0; i < 300; ++i) region.set("k" + std::to_string(i), "v" + std::to_string(i));
  if (GetParam() == "rocksdb") {  // half the keys in a table file, half in the memtable
    auto& engine = StoreInternals::engine(*fixture_.store);
    ASSERT_TRUE(
        engine.db().Flush(rocksdb::FlushOptions(), engine.column_family(region.name())).ok());
  }
  for (int i = 0; i < 300; i += 2) region.set("k" + std::to_string(i), "w" + std::to_string(i));
  std::vector<std::string> keys, expected;
  for (int i = 299; i >= 0; --i) {
    keys.push_back("k" + std::to_string(i));
    expected.push_back((i % 2 ? "v" : "w") + std::to_string(i));
  }
  keys.push_back("k7");
  expected.push_back("v7");
  EXPECT_EQ(region.get_multi(keys), expected);
}

TEST_P(RegionTest, EraseMultiIsIdempotent) {
  Region& region = configured();
  region.set("a", "1");
  region.erase_multi({"a", "never-set"});
  region.erase_multi({"a"});
  EXPECT_EQ(region.find("a"), std::nullopt);
}

TEST_P(RegionTest, NotFoundNamesRegionAndKey) {
  Region& region = configured();
  const std::string message = message_of([&] { region.get("missing-key"); });
  EXPECT_NE(message.find(region.name()), std::string::npos) << message;
  EXPECT_NE(message.find("missing-key"), std::string::npos) << message;
  EXPECT_THROW(region.erase("missing-key"), NotFound);
}

TEST_P(RegionTest, ConfigureTwiceIsConfigError) {
  Region& region = configured();
  region.set("k", "v");
  EXPECT_THROW(region.configure(RegionConfig{.backing_store = GetParam()}), ConfigError);
  EXPECT_EQ(region.get("k"), "v");
}

TEST_P(RegionTest, EveryDataCallOnUnconfiguredRegionIsConfigError) {
  Region& region = fixture_.region();
  Lock none;
  EXPECT_FALSE(region.configured());
  EXPECT_THROW(region.get("k"), ConfigError);
  EXPECT_THROW(region.find("k"), ConfigError);
  EXPECT_THROW(region.get_multi({"k"}), ConfigError);
  EXPECT_THROW(region.set("k", "v"), ConfigError);
  EXPECT_THROW(region.set("k", "v", none), ConfigError);
  EXPECT_THROW(region.set_multi({{"k", "v"}}), ConfigError);
  EXPECT_THROW(region.erase("k"), ConfigError);
  EXPECT_THROW(region.erase("k", none), ConfigError);
  EXPECT_THROW(region.erase_multi({"k"}), ConfigError);
  EXPECT_THROW(region.get_lock("k"), ConfigError);
  EXPECT_THROW(region.get_or_create("k", [] { return "v"; }), ConfigError);
  EXPECT_THROW(region.backend(), ConfigError);
  EXPECT_THROW(region.key_mangler(), ConfigError);
  EXPECT_THROW(region.set_key_mangler({}), ConfigError);
}

TEST_P(RegionTest, EmptyKeyIsInvalidArgument) {
  Region& region = configured();
  EXPECT_THROW(region.set("", "v"), std::invalid_argument);
  EXPECT_THROW(region.get(""), std::invalid_argument);
  EXPECT_THROW(region.get_lock(""), std::invalid_argument);
}

TEST_P(RegionTest, LockPrefixedKeyWithoutManglingIsInvalidArgument) {
  Region& region = configured(RegionConfig{.enable_key_mangler = false});
  EXPECT_THROW(region.set("_lockfoo", "v"), std::invalid_argument);
  EXPECT_THROW(region.get("_lockfoo"), std::invalid_argument);
  EXPECT_THROW(region.set_multi({{"ok", "v"}, {"_lock", "v"}}), std::invalid_argument);
  EXPECT_EQ(region.find("ok"), std::nullopt);  // the batch wrote nothing
}

TEST_P(RegionTest, LockPrefixedKeyIsFineWhenMangled) {
  Region& region = configured();
  region.set("_lockfoo", "v");
  EXPECT_EQ(region.get("_lockfoo"), "v");
}

TEST_P(RegionTest, OversizeValueIsInvalidArgumentAndChangesNothing) {
  Region& region = configured();
  region.set("k", "old");
  const std::string huge(region.backend().max_value_size() + 1, 'x');
  EXPECT_THROW(region.set("k", huge), std::invalid_argument);
  EXPECT_THROW(region.set_multi({{"a", "1"}, {"k", huge}}), std::invalid_argument);
  EXPECT_EQ(region.get("k"), "old");
  EXPECT_EQ(region.find("a"), std::nullopt);
}

TEST_P(RegionTest, OversizeRawKeyIsInvalidArgument) {
  Region& region = configured(RegionConfig{.enable_key_mangler = false});
  const std::string huge(region.backend().max_key_size() + 1, 'k');
  EXPECT_THROW(region.set(huge, "v"), std::invalid_argument);
}

TEST_P(RegionTest, UnknownBackingStoreListsValidNames) {
  Region& region = fixture_.region();
  const std::string message = message_of(
      [&] { region.configure(RegionConfig{.backing_store = "nonesuch"}); });
  EXPECT_NE(message.find("nonesuch"), std::string::npos) << message;
  EXPECT_NE(message.find("memory"), std::string::npos) << message;
  EXPECT_NE(message.find("rocksdb"), std::string::npos) << message;
  EXPECT_FALSE(region.configured());
}

TEST_P(RegionTest, UnknownProxyLeavesRegionUnconfiguredAndStoresNothing) {
  Region& region = fixture_.region();
  RegionConfig config{.backing_store = GetParam(), .proxies = {"no-such-proxy"}};
  EXPECT_THROW(region.configure(config), std::invalid_argument);
  EXPECT_FALSE(region.configured());
  EXPECT_TRUE(fixture_.store->region_names().empty());
  region.configure(RegionConfig{.backing_store = GetParam()});  // may still configure
  EXPECT_TRUE(region.configured());
}

TEST_P(RegionTest, BadLockingAndExpiryOptionsAreInvalidArgument) {
  Region& region = fixture_.region();
  EXPECT_THROW(region.configure(RegionConfig{.max_lock_attempts = 0}), std::invalid_argument);
  EXPECT_THROW(region.configure(RegionConfig{.lock_timeout = std::chrono::milliseconds(-1)}),
               std::invalid_argument);
  EXPECT_THROW(region.configure(RegionConfig{.expire_time = std::chrono::milliseconds(0)}),
               std::invalid_argument);
  EXPECT_FALSE(region.configured());
}

TEST_P(RegionTest, KeyManglerPrecedenceExplicitBeatsDefault) {
  Region& region = configured(RegionConfig{
      .key_mangler = [](std::string_view k) { return "x-" + std::string(k); }});
  EXPECT_EQ(region.key_mangler()("k"), "x-k");
  EXPECT_EQ(region.backend().key_mangler()("k"), "x-k");
}

TEST_P(RegionTest, SetKeyManglerRehashesNoExpiryKeys) {
  Region& region = configured(RegionConfig{.no_expiry_keys = {"keep"}});
  EXPECT_EQ(region.backend().no_expiry_hashed_keys(),
            std::set<std::string>{xxh3_mangle_key("keep")});
  region.set_key_mangler([](std::string_view k) { return "m-" + std::string(k); });
  EXPECT_EQ(region.backend().no_expiry_hashed_keys(), std::set<std::string>{"m-keep"});
  region.set_key_mangler({});
  EXPECT_EQ(region.backend().no_expiry_hashed_keys(), std::set<std::string>{"keep"});
  EXPECT_EQ(region.backend().raw_no_expiry_keys(), std::set<std::string>{"keep"});
}

// Stored keys are on disk, so the default mangler's output may never change:
// the canonical XXH3-128 digests, as lower-case hex, of known inputs (computed
// apart from regionkv, with xxhash.h and printf("%02x")).
TEST_P(RegionTest, DefaultManglerStoresKnownDigests) {
  Region& region = configured();
  EXPECT_EQ(xxh3_mangle_key(""), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(xxh3_mangle_key("a"), "a96faf705af16834e6c632b61e964e1f");
  EXPECT_EQ(xxh3_mangle_key(std::string(300, 'x')), "125237ea2ad7bc7aa5d1b4607dc83554");

  region.set("token-1", "v");
  EXPECT_EQ(region.backend().get("49c1bf8fe3fe901d52529524807a70ef"), "v");
  Lock lock = region.get_lock("token-1");
  const LockAttempt second = region.lock_backend().try_lock(
      "_lock49c1bf8fe3fe901d52529524807a70ef", LeaseTerms{fixture_.clock->now(), std::chrono::seconds(10)});
  EXPECT_FALSE(second.grant) << "the lock record is not where the format puts it";
}

// The region builds default-mangled keys itself; a mangler set later must
// take over from it, and the default must come back when set again.
TEST_P(RegionTest, StoredKeysFollowManglerChangesBothWays) {
  Region& region = configured();
  region.set_key_mangler([](std::string_view k) { return "m-" + std::string(k); });
  region.set("k", "custom");
  EXPECT_EQ(region.backend().get("m-k"), "custom");
  region.set_key_mangler(xxh3_key_mangler());
  region.set("k", "default");
  EXPECT_EQ(region.backend().get(xxh3_mangle_key("k")), "default");
  EXPECT_EQ(region.backend().get("m-k"), "custom");
  region.set_key_mangler({});
  region.set("k", "raw");
  EXPECT_EQ(region.backend().get("k"), "raw");
}

TEST(RegionCorruptionTest, DamagedRecordIsCorruptionNamingRegionAndKey) {
  StoreFixture fixture;
  Region& region = fixture.region("damaged");
  region.configure(RegionConfig{.enable_key_mangler = false});
  region.set("k", "value");
  // Overwrite the stored record with bytes that are not a record.
  auto& engine = StoreInternals::engine(*fixture.store);
  ASSERT_TRUE(engine.db()
                  .Put(rocksdb::WriteOptions(), engine.column_family("damaged"), "k",
                       "garbage")
                  .ok());
  const std::string message = message_of([&] { region.get("k"); });
  EXPECT_NE(message.find("damaged"), std::string::npos) << message;
  EXPECT_NE(message.find("corrupt record"), std::string::npos) << message;
  EXPECT_THROW(region.get("k"), Corruption);
  EXPECT_THROW(region.get_multi({"k"}), Corruption);
  // Other keys are unaffected.
  region.set("other", "fine");
  EXPECT_EQ(region.get("other"), "fine");
}

INSTANTIATE_TEST_SUITE_P(BuiltInStores, RegionTest,
                         ::testing::Values("rocksdb", "memory"),
                         [](const auto& info) { return info.param; });

TEST(RegionNameTest, InvalidNamesAreInvalidArgument) {
  StoreFixture fixture;
  EXPECT_THROW(fixture.store->region(""), std::invalid_argument);
  EXPECT_THROW(fixture.store->region("default"), std::invalid_argument);
  EXPECT_THROW(fixture.store->region(std::string(201, 'r')), std::invalid_argument);
  EXPECT_THROW(fixture.store->region(std::string("a\0b", 3)), std::invalid_argument);
  EXPECT_NO_THROW(fixture.store->region(std::string(200, 'r')));
}

TEST(RegionNameTest, SameObjectEachTime) {
  StoreFixture fixture;
  EXPECT_EQ(&fixture.store->region("r"), &fixture.store->region("r"));
  EXPECT_NE(&fixture.store->region("r"), &fixture.store->region("s"));
}

TEST(Xxh3KeyManglerTest, KnownDigest) {
  // XXH3-128 of "" with seed 0 in canonical (big-endian) order.
  EXPECT_EQ(xxh3_mangle_key(""), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(xxh3_mangle_key("key").size(), 32u);
  EXPECT_NE(xxh3_mangle_key("key"), xxh3_mangle_key("kez"));
}

}  // namespace
}  // namespace regionkv::testing
