// A redis url that names something other than a well-behaved Redis server: a
// server that never answers, one that answers garbage, one that drips its
// answer a byte every 300 ms. Every call ends within io_timeout_ms (plus a
// margin for a loaded machine) with a StorageError naming the server, and a
// read never mistakes a broken server for a miss.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "tests/redis/live_redis.h"
#include "tests/support/fake_server.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kIoTimeout{500};
// Far below the unbounded case (the fake server gives up dripping after 10 s)
// and loose enough for a loaded machine.
constexpr milliseconds kLongestCall = kIoTimeout + milliseconds(2000);

// A bulk string of a megabyte, a reply no dripping server finishes.
const char* const kHugeBulk = "$1000000\r\n";

struct Outcome {
  milliseconds took{0};
  std::string error = "(no StorageError)";
};

Outcome outcome_of(const std::function<void()>& call) {
  Outcome outcome;
  const auto start = std::chrono::steady_clock::now();
  try {
    call();
  } catch (const StorageError& error) {
    outcome.error = error.what();
  }
  outcome.took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  return outcome;
}

class NotRedis : public ::testing::Test {
 protected:
  Region& region_on(const FakeServer& server) {
    return client_.region(random_hex(), {{"url", "redis://" + server.address() + "/0"},
                                         {"connect_timeout_ms", "500"},
                                         {"io_timeout_ms", std::to_string(kIoTimeout.count())},
                                         {"pool_size", "2"}});
  }

  // Each call of a region fails within kLongestCall, naming the server.
  void expect_every_call_fails_in_time(const FakeServer& server, Region& region) {
    const std::vector<std::pair<std::string, std::function<void()>>> calls = {
        {"find", [&] { region.find("k"); }},
        {"get", [&] { region.get("k"); }},
        {"get_multi", [&] { region.get_multi({"k", "l"}); }},
        {"set", [&] { region.set("k", "v"); }},
        {"get_lock", [&] { region.get_lock("k"); }},
    };
    for (const auto& [name, call] : calls) {
      const Outcome outcome = outcome_of(call);
      RecordProperty(name + "_ms", static_cast<int>(outcome.took.count()));
      EXPECT_LT(outcome.took, kLongestCall) << name;
      EXPECT_TRUE(mentions(outcome.error, server.address())) << name << ": " << outcome.error;
    }
  }

  RedisRegionClient client_;
};

TEST_F(NotRedis, ADrippedAnswerFailsEveryCallWithinTheIoTimeout) {
  FakeServer server(FakeServer::drip(kHugeBulk));
  Region& region = region_on(server);
  expect_every_call_fails_in_time(server, region);
  const Outcome outcome = outcome_of([&] { region.find("k"); });
  EXPECT_GE(outcome.took, kIoTimeout - milliseconds(50)) << "it waited for the io timeout";
  EXPECT_TRUE(mentions(outcome.error, "not complete within 500 ms (io_timeout_ms)"))
      << outcome.error;
}

TEST_F(NotRedis, ASilentServerFailsEveryCallWithinTheIoTimeout) {
  FakeServer server(FakeServer::silent());
  Region& region = region_on(server);
  expect_every_call_fails_in_time(server, region);
  EXPECT_TRUE(mentions(outcome_of([&] { region.find("k"); }).error,
                       "no answer within 500 ms (io_timeout_ms)"));
}

TEST_F(NotRedis, AnAnswerThatIsNotRedisFailsEveryCallAndNoReadIsAMiss) {
  FakeServer server(FakeServer::garbage("HTTP/1.1 400 Bad Request\r\n\r\n"));
  Region& region = region_on(server);
  expect_every_call_fails_in_time(server, region);
  EXPECT_THROW(region.find("k"), StorageError);
  EXPECT_THROW(region.get("k"), StorageError);
  EXPECT_THROW(region.get_multi({"k"}), StorageError);
  EXPECT_TRUE(mentions(outcome_of([&] { region.find("k"); }).error, "not Redis' protocol"));
}

// A connection whose call timed out may still receive the rest of that
// answer: the next call must not read it as its own.
TEST_F(NotRedis, AConnectionThatTimedOutIsNeverUsedAgain) {
  FakeServer server(FakeServer::drip(kHugeBulk));
  Region& region = region_on(server);
  EXPECT_THROW(region.find("k"), StorageError);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_THROW(region.find("k"), StorageError);
  EXPECT_EQ(server.connections(), 2);
}

}  // namespace
}  // namespace regionkv::testing
