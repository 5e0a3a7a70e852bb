// Reading CLUSTER SLOTS and -MOVED / -ASK answers.
#include "region/backends/redis/cluster_topology.h"

#include <gtest/gtest.h>

#include "regionkv/errors.h"
#include "tests/redis/resp_reply.h"

namespace regionkv::redis {
namespace {

const ServerAddress kAnsweredBy{"10.0.0.9", 7000};

TEST(Redirection, MovedGivesTheSlotAndItsNewMaster) {
  const auto moved =
      redirection_in(*reply_from_resp("-MOVED 3999 127.0.0.1:6381\r\n"), kAnsweredBy);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->kind, Redirection::Kind::kMoved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->target.to_string(), "127.0.0.1:6381");
}

TEST(Redirection, AskGivesTheImportingNode) {
  const auto ask = redirection_in(*reply_from_resp("-ASK 12 [::1]:7001\r\n"), kAnsweredBy);
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->kind, Redirection::Kind::kAsk);
  EXPECT_EQ(ask->slot, 12);
  EXPECT_EQ(ask->target.to_string(), "[::1]:7001");
}

TEST(Redirection, AnEmptyHostIsTheAnsweringNodes) {
  const auto moved = redirection_in(*reply_from_resp("-MOVED 1 :7002\r\n"), kAnsweredBy);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->target.to_string(), "10.0.0.9:7002");
}

TEST(Redirection, OtherErrorsAreNoRedirection) {
  for (const char* resp : {"-ERR unknown command\r\n", "-MOVEDX 1 a:1\r\n", "-MOVED x a:1\r\n",
                           "-MOVED 16384 a:1\r\n", "-ASK 1 a\r\n", "+MOVED 1 a:1\r\n"}) {
    EXPECT_FALSE(redirection_in(*reply_from_resp(resp), kAnsweredBy)) << resp;
  }
}

TEST(SlotMap, ReadsEachRangesMaster) {
  const Reply reply = reply_from_resp(
      "*2\r\n"
      "*3\r\n:0\r\n:5460\r\n*3\r\n$9\r\n127.0.0.1\r\n:7000\r\n$2\r\nid\r\n"
      "*4\r\n:5461\r\n:16383\r\n*2\r\n$0\r\n\r\n:7001\r\n*2\r\n$9\r\n127.0.0.1\r\n:7005\r\n");
  const SlotMap map = SlotMap::from_cluster_slots(*reply, kAnsweredBy);
  ASSERT_NE(map.master_of(0), nullptr);
  EXPECT_EQ(map.master_of(0)->to_string(), "127.0.0.1:7000");
  EXPECT_EQ(map.master_of(5460)->to_string(), "127.0.0.1:7000");
  // An empty host: the node that answered.
  EXPECT_EQ(map.master_of(5461)->to_string(), "10.0.0.9:7001");
  EXPECT_EQ(map.master_of(16383)->to_string(), "10.0.0.9:7001");
  EXPECT_EQ(map.masters().size(), 2u);
}

TEST(SlotMap, UncoveredSlotsHaveNoMaster) {
  const Reply reply = reply_from_resp("*1\r\n*3\r\n:0\r\n:99\r\n*2\r\n$1\r\na\r\n:1\r\n");
  const SlotMap map = SlotMap::from_cluster_slots(*reply, kAnsweredBy);
  EXPECT_EQ(map.master_of(100), nullptr);
}

TEST(SlotMap, AssignMovesOneSlot) {
  const Reply reply = reply_from_resp("*1\r\n*3\r\n:0\r\n:16383\r\n*2\r\n$1\r\na\r\n:1\r\n");
  SlotMap map = SlotMap::from_cluster_slots(*reply, kAnsweredBy);
  map.assign(42, {"b", 2});
  EXPECT_EQ(map.master_of(42)->to_string(), "b:2");
  EXPECT_EQ(map.master_of(43)->to_string(), "a:1");
}

TEST(SlotMap, MalformedAnswersAreStorageErrorsNamingTheNode) {
  for (const char* resp :
       {"+OK\r\n", "*1\r\n:1\r\n", "*1\r\n*3\r\n:0\r\n:16384\r\n*2\r\n$1\r\na\r\n:1\r\n",
        "*1\r\n*3\r\n:5\r\n:4\r\n*2\r\n$1\r\na\r\n:1\r\n",
        "*1\r\n*3\r\n:0\r\n:4\r\n*2\r\n$1\r\na\r\n:0\r\n"}) {
    try {
      SlotMap::from_cluster_slots(*reply_from_resp(resp), kAnsweredBy);
      ADD_FAILURE() << resp;
    } catch (const StorageError& error) {
      EXPECT_NE(std::string(error.what()).find("10.0.0.9:7000"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace regionkv::redis
