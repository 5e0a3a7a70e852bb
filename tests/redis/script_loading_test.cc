// Scripts are sent as EVALSHA and loaded where the server lacks them: on
// first use, after SCRIPT FLUSH, after a restart.
#include <gtest/gtest.h>

#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/script.h"
#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"

namespace regionkv::testing {
namespace {

using redis::Command;
using redis::Script;

class ScriptLoading : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
    client_.emplace(options_for(*server_));
  }

  long long call(const Script& script) {
    Command call = script.call(1);
    call.arg("counter");
    return client_->run("counter", call, &script)->integer;
  }

  bool server_holds(const Script& script) {
    return server_->command({"SCRIPT", "EXISTS", script.sha1()}) == "1";
  }

  const Script incr_{"test incr", "return redis.call('INCR', KEYS[1])"};
  std::optional<RedisServer> server_;
  std::optional<redis::RedisClient> client_;
};

TEST_F(ScriptLoading, OurSha1IsTheOneTheServerComputes) {
  EXPECT_EQ(server_->command({"SCRIPT", "LOAD", incr_.text()}), incr_.sha1());
}

TEST_F(ScriptLoading, TheFirstCallLoadsTheScript) {
  EXPECT_FALSE(server_holds(incr_));
  EXPECT_EQ(call(incr_), 1);
  EXPECT_TRUE(server_holds(incr_));
  EXPECT_EQ(call(incr_), 2);
}

TEST_F(ScriptLoading, AfterScriptFlushTheScriptIsLoadedAgainAndRunsOnce) {
  EXPECT_EQ(call(incr_), 1);
  server_->command({"SCRIPT", "FLUSH"});
  EXPECT_EQ(call(incr_), 2);
  EXPECT_TRUE(server_holds(incr_));
}

TEST_F(ScriptLoading, AfterARestartTheScriptIsLoadedAgain) {
  EXPECT_EQ(call(incr_), 1);
  server_->kill();
  server_->restart();  // no persistence: the counter is gone too
  EXPECT_EQ(call(incr_), 1);
}

TEST_F(ScriptLoading, AScriptThatFailsIsAStorageErrorNamingIt) {
  const Script broken("broken", "return redis.call('NO-SUCH-COMMAND')");
  try {
    call(broken);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_TRUE(mentions(error.what(), "broken script")) << error.what();
    EXPECT_TRUE(mentions(error.what(), server_->address())) << error.what();
  }
}

TEST_F(ScriptLoading, AScriptThatDoesNotCompileIsAStorageErrorNamingIt) {
  const Script broken("unparsable", "this is not lua");
  try {
    call(broken);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_TRUE(mentions(error.what(), "unparsable")) << error.what();
  }
}

}  // namespace
}  // namespace regionkv::testing
