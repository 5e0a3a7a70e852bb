// RedisClient against one server (standalone mode): answers, errors, and
// bounded failures. redis_cluster_test.cc covers cluster mode.
#include "region/backends/redis/redis_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"

namespace regionkv::testing {
namespace {

using redis::Command;
using redis::RedisClient;
using std::chrono::milliseconds;

class StandaloneClient : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
    client_.emplace(options_for(*server_));
  }

  std::optional<RedisServer> server_;
  std::optional<RedisClient> client_;
};

TEST_F(StandaloneClient, ContactsNoServerUntilUsed) {
  redis::RedisOptions options = options_for(*server_);
  server_->kill();
  EXPECT_NO_THROW(RedisClient lazy(options));
}

TEST_F(StandaloneClient, RunReturnsTheAnswer) {
  client_->run("k", Command("SET").arg("k").arg("v"));
  EXPECT_EQ(redis::reply_text(*client_->run("k", Command("GET").arg("k"))), "v");
}

TEST_F(StandaloneClient, AnErrorAnswerIsAStorageErrorNamingServerCommandAndKey) {
  client_->run("k", Command("SET").arg("k").arg("not a number"));
  try {
    client_->run("k", Command("INCR").arg("k"));
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_TRUE(mentions(error.what(), "redis server " + server_->address())) << error.what();
    EXPECT_TRUE(mentions(error.what(), "INCR of key 'k'")) << error.what();
    EXPECT_TRUE(mentions(error.what(), "not an integer")) << error.what();
  }
}

TEST_F(StandaloneClient, AWrongTypeAnswerIsCorruption) {
  client_->run("h", Command("HSET").arg("h").arg("f").arg("v"));
  EXPECT_THROW(client_->run("h", Command("GET").arg("h")), Corruption);
}

TEST_F(StandaloneClient, PipelinedCommandsAnswerInOrder) {
  const Command first = std::move(Command("SET").arg("a").arg("1"));
  const Command second = std::move(Command("GET").arg("a"));
  const std::vector<redis::RoutedCommand> commands = {{"a", &first}, {"a", &second}};
  const auto replies = client_->run_all(commands);
  EXPECT_EQ(redis::reply_text(*replies[1]), "1");
}

TEST_F(StandaloneClient, AnErrorInAPipelineIsAStorageError) {
  client_->run("h", Command("SET").arg("s").arg("x"));
  const Command bad = std::move(Command("INCR").arg("s"));
  const std::vector<redis::RoutedCommand> commands = {{"s", &bad}};
  EXPECT_THROW(client_->run_all(commands), StorageError);
}

TEST_F(StandaloneClient, ADownServerFailsEveryCallNamingIt) {
  server_->kill();
  for (int i = 0; i < 3; ++i) {
    try {
      client_->run("k", Command("GET").arg("k"));
      FAIL();
    } catch (const StorageError& error) {
      EXPECT_TRUE(mentions(error.what(), server_->address())) << error.what();
    }
  }
}

TEST_F(StandaloneClient, AHungServerFailsEveryThreadsCallWithinTheTimeouts) {
  client_->run("k", Command("PING"));
  server_->pause();
  // Eight threads, four pooled connections: some wait for a connection
  // first, and fail when none comes back within their io_timeout (300 ms).
  std::atomic<int> failed{0};
  std::atomic<long long> slowest_ms{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      const auto start = std::chrono::steady_clock::now();
      try {
        client_->run("k", Command("GET").arg("k"));
      } catch (const StorageError&) {
        failed.fetch_add(1);
      }
      const long long took =
          std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start)
              .count();
      long long seen = slowest_ms.load();
      while (took > seen && !slowest_ms.compare_exchange_weak(seen, took)) {
      }
    });
  }
  for (auto& thread : threads) thread.join();
  server_->resume();
  EXPECT_EQ(failed.load(), 8);
  // Each call within its io_timeout (the wait for a connection included), a
  // connect (connect_timeout 500 ms) aside, and slack for a loaded machine.
  EXPECT_LT(slowest_ms.load(), 300 + 500 + 500);
  EXPECT_NO_THROW(client_->run("k", Command("PING")));
}

TEST_F(StandaloneClient, ItsOnlyServerHoldsEveryKey) {
  EXPECT_EQ(client_->server_for("any").to_string(), server_->address());
  EXPECT_EQ(client_->servers().size(), 1u);
}

}  // namespace
}  // namespace regionkv::testing
