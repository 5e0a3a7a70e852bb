// The redis backing store through Region, on one real server: values,
// where they live, limits, and failures.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "common/unix_ms.h"
#include "lock/lease_record.h"
#include "tests/redis/live_redis.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

class OneRedisServer : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
  }

  Region& region(RegionConfig config = {}, const std::string& name = random_hex()) {
    return client_.region(name, redis_args(*server_), std::move(config));
  }
  // Connections the server has open, its own command connection included.
  long connections() const {
    const std::string clients = server_->command({"CLIENT", "LIST"});
    return std::count(clients.begin(), clients.end(), '\n');  // a line each
  }

  std::optional<RedisServer> server_;
  RedisRegionClient client_;
};

// How long `call` takes, and the message of the StorageError it throws.
template <typename Call>
std::pair<milliseconds, std::string> storage_error_of(Call call) {
  const auto start = std::chrono::steady_clock::now();
  std::string message = "(no StorageError)";
  try {
    call();
  } catch (const StorageError& error) {
    message = error.what();
  }
  return {std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start),
          message};
}

TEST_F(OneRedisServer, ValuesRoundTrip) {
  Region& r = region();
  const std::string binary("bin\0ary\r\nvalue\xff", 15);
  EXPECT_THROW(r.get("absent"), NotFound);
  r.set("a", "1");
  EXPECT_EQ(r.get("a"), "1");
  r.set("a", binary);
  EXPECT_EQ(r.get("a"), binary);
  r.set_multi({{"b", "2"}, {"c", "3"}});
  EXPECT_EQ(r.get_multi({"c", "a", "b"}), (std::vector<std::string>{"3", binary, "2"}));
  EXPECT_THROW(r.get_multi({"a", "nope"}), NotFound);
  r.erase("a");
  EXPECT_FALSE(r.find("a"));
  EXPECT_THROW(r.erase("a"), NotFound);
  r.erase_multi({"b", "c", "never-there"});
  EXPECT_FALSE(r.find("b"));
  EXPECT_FALSE(r.find("c"));
}

TEST_F(OneRedisServer, TwoClientsOfOneRegionShareItsValues) {
  RedisRegionClient other;
  Region& mine = region({}, "shared");
  Region& theirs = other.region("shared", redis_args(*server_));
  mine.set("k", "from-mine");
  EXPECT_EQ(theirs.get("k"), "from-mine");
}

TEST_F(OneRedisServer, RegionsSharingAServerStayApart) {
  Region& first = region();
  Region& second = region();
  first.set("k", "first");
  second.set("k", "second");
  EXPECT_EQ(first.get("k"), "first");
  EXPECT_EQ(second.get("k"), "second");
}

TEST_F(OneRedisServer, RegionsOnTwoDatabasesStayApart) {
  RedisRegionClient other;
  Region& on_zero = region({}, "same-name");
  Region& on_three = other.region("same-name", redis_args(*server_, 3));
  on_zero.set("k", "zero");
  on_three.set("k", "three");
  EXPECT_EQ(on_zero.get("k"), "zero");
  EXPECT_EQ(on_three.get("k"), "three");
}

// What redis-cli shows: the value under the region's prefix and the key's
// bucket, and the lock record as {token: "<acquired_at_ms> <lease_ms>"}.
TEST_F(OneRedisServer, KeysAreReadableInRedisCli) {
  Region& r = region({}, "tokens");
  RedisBackend& backend = redis_backend_of(r);
  EXPECT_EQ(backend.key_prefix(), "rkv:tokens:");
  r.set("user-42", "secret");
  const std::string stored = xxh3_mangle_key("user-42");
  const std::string value_key = backend.redis_key(stored);
  EXPECT_EQ(value_key.rfind("rkv:tokens:{", 0), 0u) << value_key;
  EXPECT_EQ(server_->command({"KEYS", "rkv:tokens:*"}), value_key);
  EXPECT_EQ(server_->command({"GET", value_key}), "secret");

  Lock lock = r.get_lock("user-42");
  const std::string record = server_->command({"HGETALL", backend.redis_key("_lock" + stored)});
  EXPECT_EQ(record, std::to_string(lock.fencing_token()) + "\n" +
                        std::to_string(common::to_unix_ms(lock.acquired_at())) + " 6000");
  EXPECT_EQ(server_->command({"GET", backend.fencing_counter_key("_lock" + stored)}),
            std::to_string(lock.fencing_token()));
}

TEST_F(OneRedisServer, LargestValueIsStoredAndOneByteMoreIsRefusedBeforeSending) {
  EXPECT_EQ(region().backend().max_value_size(), std::size_t{64} << 20);
  auto args = redis_args(*server_);
  args["max_value_size"] = "1048576";
  Region& r = client_.region(random_hex(), args);
  const std::size_t limit = r.backend().max_value_size();
  ASSERT_EQ(limit, 1048576u);
  const std::string largest(limit, 'v');
  r.set("largest", largest);
  EXPECT_EQ(r.get("largest"), largest);
  EXPECT_THROW(r.set("too-big", std::string(limit + 1, 'v')), std::invalid_argument);
  EXPECT_THROW(r.set_multi({{"fine", "v"}, {"too-big", std::string(limit + 1, 'v')}}),
               std::invalid_argument);
  EXPECT_FALSE(r.find("too-big"));
  EXPECT_FALSE(r.find("fine"));
}

// The Redis key is the region's prefix, the bucket tag and the stored key:
// 64 KiB at most, so the longest stored key is shorter by the prefix.
TEST_F(OneRedisServer, KeysOverTheLimitAreRefused) {
  RegionConfig config;
  config.enable_key_mangler = false;
  const std::string name = "limits";
  Region& r = region(config, name);
  const std::size_t limit = r.backend().max_key_size();
  EXPECT_EQ(limit, (std::size_t{64} << 10) - std::string("rkv:limits:").size() - 7);
  const std::string longest(limit - lock::kLockKeyPrefix.size(), 'k');
  {
    Lock lock = r.get_lock(longest);  // its record's Redis key is 64 KiB
    r.set(longest, "locked", lock);
  }
  EXPECT_EQ(r.get(longest), "locked");
  EXPECT_THROW(r.set(longest + "k", "v"), std::invalid_argument);
}

TEST_F(OneRedisServer, MalformedBackendArgsFailConfigureNamingTheArgument) {
  StoreFixture fixture;
  Region& r = fixture.region();
  RegionConfig config;
  config.backing_store = "redis";
  config.backend_args["url"] = "http://127.0.0.1:6379";
  try {
    r.configure(config);
    FAIL() << "a malformed url was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(mentions(error.what(), "redis://")) << error.what();
  }
  EXPECT_FALSE(r.configured());
}

TEST_F(OneRedisServer, AServerThatIsDownIsAStorageErrorNamingTheRegionAndServer) {
  Region& r = region({}, "down");
  r.set("k", "v");
  server_->kill();
  const auto [took, message] = storage_error_of([&] { r.get("k"); });
  EXPECT_TRUE(mentions(message, "region 'down'")) << message;
  EXPECT_TRUE(mentions(message, server_->address())) << message;
  EXPECT_LT(took, milliseconds(500));
  EXPECT_THROW(r.get_lock("k"), StorageError);
}

// SIGSTOP: the server keeps its socket but answers nothing.
TEST_F(OneRedisServer, AHungServerIsAStorageErrorWithinTheIoTimeout) {
  Region& r = region({}, "hung");
  r.set("k", "v");
  server_->pause();
  const auto [took, message] = storage_error_of([&] { r.get("k"); });
  const auto [lock_took, lock_message] = storage_error_of([&] { r.get_lock("k"); });
  server_->resume();
  EXPECT_TRUE(mentions(message, server_->address())) << message;
  EXPECT_TRUE(mentions(message, "no answer within 300 ms")) << message;
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(1000));
  EXPECT_TRUE(mentions(lock_message, "region 'hung'")) << lock_message;
  EXPECT_LT(lock_took, milliseconds(1000));
  EXPECT_EQ(r.get("k"), "v") << "a resumed server serves again";
}

// RegionStats::servers: the server, the round trips made to it and how they
// ended.
TEST_F(OneRedisServer, StatisticsCountRoundTripsErrorsAndTimeouts) {
  Region& r = region({}, "counted");
  r.set("k", "v");                // connects first,
  r.get_lock("other").release();  // and the server learns the lock scripts
  const auto of_the_server = [&] {
    const std::vector<ServerStats> servers = r.stats().servers;
    EXPECT_EQ(servers.size(), 1u);
    return servers.empty() ? ServerStats{} : servers.front();
  };
  const ServerStats before = of_the_server();
  EXPECT_EQ(before.server, server_->address());
  r.get("k");
  r.get_lock("k").release();  // acquire, release: one round trip each
  EXPECT_EQ(of_the_server().round_trips - before.round_trips, 3u);

  server_->pause();
  EXPECT_THROW(r.get("k"), StorageError);
  server_->resume();
  const ServerStats after = of_the_server();
  EXPECT_EQ(after.errors - before.errors, 1u);
  EXPECT_EQ(after.timeouts - before.timeouts, 1u);
}

// Regions of a process configured alike share one client (shared_clients.h):
// one pool, whose round trips both report and whose size bounds both
// regions' connections together. Nothing here depends on how the threads are
// scheduled: they may open anywhere from one to pool_size connections.
TEST_F(OneRedisServer, RegionsConfiguredAlikeShareOnePool) {
  Region& first = region();
  Region& second = region();
  const auto round_trips = [](Region& r) {
    const std::vector<ServerStats> servers = r.stats().servers;
    EXPECT_EQ(servers.size(), 1u);
    return servers.empty() ? std::uint64_t{0} : servers.front().round_trips;
  };
  first.set("k", "v");  // connects
  const std::uint64_t before = round_trips(first);
  EXPECT_EQ(round_trips(second), before) << "one client, one set of figures";
  second.find("k");
  EXPECT_EQ(round_trips(first), before + 1) << "the second region's call, on the shared pool";

  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Region& r = t % 2 == 0 ? first : second;
      for (int i = 0; i < 50; ++i) r.set("k" + std::to_string(i), "v");
    });
  }
  for (auto& thread : threads) thread.join();
  const long shared = connections();
  EXPECT_LE(shared, 4 + 1) << "pool_size 4 for both regions, and CLIENT LIST's own";

  const std::uint64_t shared_round_trips = round_trips(first);
  auto other_options = redis_args(*server_);
  other_options["io_timeout_ms"] = "400";
  Region& apart = client_.region(random_hex(), other_options);
  apart.set("k", "v");
  EXPECT_EQ(connections(), shared + 1) << "other options: another client, its own connection";
  EXPECT_EQ(round_trips(apart), 2u) << "its own figures: a connect and a SET";
  EXPECT_EQ(round_trips(first), shared_round_trips);
}

class PasswordProtectedServer : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace(RedisServerOptions{.password = "s3cret:@/"});
  }

  std::optional<RedisServer> server_;
  RedisRegionClient client_;
};

TEST_F(PasswordProtectedServer, TheUrlsPasswordLogsIn) {
  auto args = redis_args(*server_);
  args["url"] = "redis://:s3cret%3A%40%2F@" + server_->address() + "/0";
  Region& r = client_.region(random_hex(), args);
  r.set("k", "v");
  EXPECT_EQ(r.get("k"), "v");
  Lock lock = r.get_lock("k");
  r.erase("k", lock);
  EXPECT_FALSE(r.find("k"));
}

TEST_F(PasswordProtectedServer, AWrongOrMissingPasswordIsAStorageErrorNamingTheServer) {
  auto wrong = redis_args(*server_);
  wrong["url"] = "redis://:wrong@" + server_->address() + "/0";
  const auto [took, message] =
      storage_error_of([&] { client_.region(random_hex(), wrong).get("k"); });
  EXPECT_TRUE(mentions(message, server_->address())) << message;
  EXPECT_TRUE(mentions(message, "AUTH failed")) << message;

  auto none = redis_args(*server_);
  none["url"] = "redis://" + server_->address() + "/0";
  const auto [none_took, none_message] =
      storage_error_of([&] { client_.region(random_hex(), none).get("k"); });
  EXPECT_TRUE(mentions(none_message, "NOAUTH")) << none_message;
}

}  // namespace
}  // namespace regionkv::testing
