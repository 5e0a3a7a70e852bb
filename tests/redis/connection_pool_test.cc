// The connections to one server, shared by many threads.
#include "region/backends/redis/connection_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"

namespace regionkv::testing {
namespace {

using redis::Command;
using redis::ConnectionPool;
using std::chrono::milliseconds;

class RedisConnectionPool : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
  }

  ConnectionPool make_pool(std::size_t size) {
    return ConnectionPool({"127.0.0.1", server_->port()},
                          redis::connection_settings(options_for(*server_)), size);
  }

  std::optional<RedisServer> server_;
};

TEST_F(RedisConnectionPool, ManyThreadsShareAtMostPoolSizeConnections) {
  ConnectionPool pool = make_pool(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) pool.borrow()->run(Command("INCR").arg("n"));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(server_->command({"GET", "n"}), "1200");
  EXPECT_LE(pool.open_connections(), 3u);
  // CLIENT LIST: a line per connection, its own included.
  const std::string clients = server_->command({"CLIENT", "LIST"});
  EXPECT_LE(std::count(clients.begin(), clients.end(), '\n'), 3 + 1);
}

TEST_F(RedisConnectionPool, ABorrowerWaitsForAConnectionToComeBack) {
  ConnectionPool pool = make_pool(1);
  std::atomic<bool> borrowed{false};
  std::optional<ConnectionPool::Lease> held(pool.borrow());
  std::thread waiter([&] {
    pool.borrow()->run(Command("PING"));
    borrowed = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(borrowed.load());
  held.reset();
  waiter.join();
  EXPECT_TRUE(borrowed.load());
}

TEST_F(RedisConnectionPool, AnExhaustedPoolFailsAfterTheIoTimeoutNamingTheServer) {
  ConnectionPool pool = make_pool(1);
  const ConnectionPool::Lease held = pool.borrow();
  const auto start = std::chrono::steady_clock::now();
  try {
    pool.borrow();
    FAIL() << "a second connection was handed out";
  } catch (const StorageError& error) {
    EXPECT_TRUE(mentions(error.what(), server_->address())) << error.what();
    EXPECT_TRUE(mentions(error.what(), "pool_size")) << error.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(250));
}

TEST_F(RedisConnectionPool, ABrokenConnectionIsReplacedByAFreshOne) {
  ConnectionPool pool = make_pool(1);
  server_->pause();
  EXPECT_THROW(pool.borrow()->run(Command("PING")), StorageError);
  server_->resume();
  EXPECT_EQ(pool.open_connections(), 0u);
  EXPECT_EQ(redis::reply_text(*pool.borrow()->run(Command("PING"))), "PONG");
}

TEST_F(RedisConnectionPool, AfterAServerRestartTheNextCallSucceeds) {
  ConnectionPool pool = make_pool(2);
  pool.borrow()->run(Command("PING"));
  server_->kill();
  server_->restart();
  EXPECT_EQ(redis::reply_text(*pool.borrow()->run(Command("PING"))), "PONG");
}

TEST_F(RedisConnectionPool, ConnectingIsLazyAndAFailedConnectFreesItsPlace) {
  ConnectionPool pool = make_pool(1);
  EXPECT_EQ(pool.open_connections(), 0u);
  server_->kill();
  EXPECT_THROW(pool.borrow(), StorageError);
  EXPECT_EQ(pool.open_connections(), 0u);
  server_->restart();
  EXPECT_NO_THROW(pool.borrow()->run(Command("PING")));
}

}  // namespace
}  // namespace regionkv::testing
