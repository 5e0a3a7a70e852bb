// Scripts are sent as EVALSHA by the SHA-1 a server answered SCRIPT LOAD
// with, and loaded where the server lacks them: on first use, after SCRIPT
// FLUSH, after a restart.
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

  // The SHA-1 as the server computes it, without loading the script.
  std::string servers_sha1_of(const Script& script) {
    return server_->command({"EVAL", "return redis.sha1hex(ARGV[1])", "0", script.text()});
  }

  bool server_holds(const Script& script) {
    return server_->command({"SCRIPT", "EXISTS", servers_sha1_of(script)}) == "1";
  }

  long long calls_of(const std::string& command) {
    return server_->command_calls(command);
  }

  const Script incr_{"test incr", "return redis.call('INCR', KEYS[1])"};
  std::optional<RedisServer> server_;
  std::optional<redis::RedisClient> client_;
};

TEST_F(ScriptLoading, TheFirstCallLearnsTheSha1TheServerComputes) {
  EXPECT_FALSE(incr_.sha1().has_value());
  EXPECT_EQ(call(incr_), 1);
  EXPECT_EQ(incr_.sha1(), servers_sha1_of(incr_));
}

// One EVAL (with its SCRIPT LOAD) the first time, EVALSHA ever after.
TEST_F(ScriptLoading, OnlyTheFirstCallSendsTheText) {
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(call(incr_), i);
  EXPECT_EQ(calls_of("eval"), 1);
  EXPECT_EQ(calls_of("script|load"), 1);
  EXPECT_EQ(calls_of("evalsha"), 4);
}

// run_all() (get_multi, set_multi) learns the SHA-1 before its batch too.
TEST_F(ScriptLoading, ABatchLearnsTheSha1) {
  Command call = incr_.call(1);
  call.arg("counter");
  const redis::RoutedCommand routed{"counter", &call, &incr_};
  EXPECT_EQ(client_->run_all({&routed, 1}).front()->integer, 1);
  EXPECT_EQ(incr_.sha1(), servers_sha1_of(incr_));
  EXPECT_EQ(this->call(incr_), 2);
  EXPECT_EQ(calls_of("evalsha"), 1);
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
