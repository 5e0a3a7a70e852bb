// Redis Cluster's key slots: CRC16 and hash tags, as the cluster
// specification gives them. redis_cluster_test.cc checks them against a
// server's CLUSTER KEYSLOT too.
#include "region/backends/redis/key_slot.h"

#include <gtest/gtest.h>

namespace regionkv::redis {
namespace {

TEST(KeySlot, Crc16IsXmodemAsTheClusterSpecificationChecksIt) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);
}

TEST(KeySlot, KnownSlots) {
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot(""), 0);
}

TEST(KeySlot, AHashTagDecidesTheSlot) {
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  EXPECT_EQ(key_slot("{user1000}.followers"), key_slot("{user1000}.following"));
}

TEST(KeySlot, OnlyTheFirstBracePairCounts) {
  EXPECT_EQ(hash_tag_of("foo{bar}{zap}"), "bar");
  EXPECT_EQ(hash_tag_of("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(hash_tag_of("foo{bar}{zap}"), "bar");
}

TEST(KeySlot, AnEmptyOrUnclosedTagHashesTheWholeKey) {
  EXPECT_EQ(hash_tag_of("foo{}{bar}"), "foo{}{bar}");
  EXPECT_EQ(hash_tag_of("foo{bar"), "foo{bar");
  EXPECT_EQ(hash_tag_of("foo}bar{"), "foo}bar{");
}

}  // namespace
}  // namespace regionkv::redis
