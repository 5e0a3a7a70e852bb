// Where a region's records live on Redis (key_layout.h): known answers pin
// the layout, since every process sharing a region must compute it alike.
#include "region/backends/redis/key_layout.h"

#include <gtest/gtest.h>

#include <set>

#include "region/backends/redis/key_slot.h"

namespace regionkv::redis {
namespace {

TEST(KeyLayout, ValueKeyIsNamespaceRegionBucketTagAndStoredKey) {
  const KeyLayout layout("tokens", false);
  const std::string key = "6b2c5d1a9e0f4b7c8d3e2f1a0b9c8d7e";
  EXPECT_EQ(layout.redis_key(key),
            "rkv:tokens:{" + std::to_string(KeyLayout::bucket_of(key)) + "}:" + key);
}

TEST(KeyLayout, KnownBuckets) {
  EXPECT_EQ(KeyLayout::bucket_of("123456789"), 0x31C3u % 1024);
  EXPECT_EQ(KeyLayout("r", false).redis_key("123456789"), "rkv:r:{451}:123456789");
}

TEST(KeyLayout, ALockRecordSharesItsKeysBucketAndSlot) {
  const KeyLayout layout("tokens", true);
  for (const std::string key : {"a", "6b2c5d1a9e0f4b7c8d3e2f1a0b9c8d7e"}) {
    const std::string lock_key = "_lock" + key;
    EXPECT_EQ(KeyLayout::bucket_of(lock_key), KeyLayout::bucket_of(key));
    EXPECT_EQ(key_slot(layout.redis_key(lock_key)), key_slot(layout.redis_key(key)));
    EXPECT_EQ(key_slot(layout.counter_key(lock_key)), key_slot(layout.redis_key(key)));
  }
}

TEST(KeyLayout, LockRecordKeyEndsWithTheLockKey) {
  const KeyLayout layout("tokens", false);
  const std::string record = layout.redis_key("_lockabc");
  EXPECT_TRUE(record.ends_with("}:_lockabc")) << record;
}

TEST(KeyLayout, StandaloneHasOneCounterPerRegion) {
  const KeyLayout layout("tokens", false);
  EXPECT_EQ(layout.counter_key("_locka"), "rkv:tokens:fencing");
  EXPECT_EQ(layout.counter_key("_lockb"), "rkv:tokens:fencing");
}

TEST(KeyLayout, ClusterHasOneCounterPerBucket) {
  const KeyLayout layout("tokens", true);
  EXPECT_EQ(layout.counter_key("_lock123456789"), "rkv:tokens:fencing:{451}");
}

TEST(KeyLayout, BucketsSpreadKeysOverManySlots) {
  std::set<std::uint32_t> buckets;
  std::set<std::uint16_t> slots;
  const KeyLayout layout("r", true);
  for (int i = 0; i < 20000; ++i) {
    const std::string key = "key-" + std::to_string(i);
    buckets.insert(KeyLayout::bucket_of(key));
    slots.insert(key_slot(layout.redis_key(key)));
  }
  EXPECT_EQ(buckets.size(), KeyLayout::kBuckets);
  EXPECT_GT(slots.size(), 900u);  // 1024 tags; a few may share a slot
}

TEST(KeyLayout, RegionNamesAreEscapedSoTheyCannotCollideOrCarryATag) {
  EXPECT_EQ(escape_region_name("tokens-v2.prod_1"), "tokens-v2.prod_1");
  EXPECT_EQ(escape_region_name("a:b"), "a%3Ab");
  EXPECT_EQ(escape_region_name("{x}"), "%7Bx%7D");
  EXPECT_EQ(escape_region_name("50% *?[]\\"), "50%25%20%2A%3F%5B%5D%5C");
  EXPECT_EQ(escape_region_name(std::string("\x01\xff", 2)), "%01%FF");
  // "a" + key "b:c" and "a:b" + key "c" stay apart.
  EXPECT_NE(KeyLayout("a", false).redis_key("b:c"), KeyLayout("a:b", false).redis_key("c"));
}

TEST(KeyLayout, ARegionNameWithBracesDoesNotMoveItsKeysSlot) {
  const KeyLayout plain("plain", true);
  const KeyLayout braced("{braced}", true);
  EXPECT_EQ(key_slot(plain.redis_key("k")), key_slot(braced.redis_key("k")));
}

}  // namespace
}  // namespace regionkv::redis
