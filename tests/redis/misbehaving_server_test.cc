// A redis url that names something other than a well-behaved Redis server: a
// server that never answers, one that answers garbage, one that drips its
// answer a byte every 300 ms, one that hangs up mid-request. Every call ends
// within io_timeout_ms (plus a margin for a loaded machine) with a
// StorageError naming the server, and a read never mistakes a broken server
// for a miss.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <vector>

#include "tests/redis/live_redis.h"
#include "tests/support/failing_calls.h"
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

class NotRedis : public ::testing::Test {
 protected:
  Region& region_on(const FakeServer& server) {
    return client_.region(random_hex(), {{"url", "redis://" + server.address() + "/0"},
                                         {"connect_timeout_ms", "500"},
                                         {"io_timeout_ms", std::to_string(kIoTimeout.count())},
                                         {"pool_size", "2"}});
  }

  RedisRegionClient client_;
};

TEST_F(NotRedis, ADrippedAnswerFailsEveryCallWithinTheIoTimeout) {
  FakeServer server(FakeServer::drip(kHugeBulk));
  Region& region = region_on(server);
  expect_every_call_fails_within(region, kLongestCall, server.address());
  const CallOutcome outcome = outcome_of([&] { region.find("k"); });
  EXPECT_GE(outcome.took, kIoTimeout - milliseconds(50)) << "it waited for the io timeout";
  EXPECT_TRUE(mentions(outcome.error, "not complete within 500 ms (io_timeout_ms)"))
      << outcome.error;
}

TEST_F(NotRedis, ASilentServerFailsEveryCallWithinTheIoTimeout) {
  FakeServer server(FakeServer::silent());
  Region& region = region_on(server);
  expect_every_call_fails_within(region, kLongestCall, server.address());
  EXPECT_TRUE(mentions(outcome_of([&] { region.find("k"); }).error,
                       "no answer within 500 ms (io_timeout_ms)"));
}

TEST_F(NotRedis, AnAnswerThatIsNotRedisFailsEveryCallAndNoReadIsAMiss) {
  FakeServer server(FakeServer::garbage("HTTP/1.1 400 Bad Request\r\n\r\n"));
  Region& region = region_on(server);
  expect_every_call_fails_within(region, kLongestCall, server.address());
  EXPECT_TRUE(mentions(outcome_of([&] { region.find("k"); }).error, "not Redis' protocol"));
}

TEST_F(NotRedis, AConnectionThatTimedOutIsNeverUsedAgain) {
  FakeServer server(FakeServer::drip(kHugeBulk));
  Region& region = region_on(server);
  expect_a_timed_out_connection_is_not_used_again(region, server);
}

// A mistaken url may be a megabyte long: every failed call's message names
// the server with at most 200 bytes of it, and its length. (No name server
// is asked: a name that long is refused before a query is sent.)
TEST_F(NotRedis, AMegabyteUrlIsCutInEveryFailedCallsMessage) {
  const std::string host(1 << 20, 'h');
  Region& region = client_.region(random_hex(), {{"url", "redis://" + host + ":6379/0"}});
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { region.find("k"); }, [&] { region.set("k", "v"); },
           [&] { region.get_lock("k"); }}) {
    const std::string error = outcome_of(call).error;
    EXPECT_LT(error.size(), 1000u) << error.substr(0, 1000);
    EXPECT_TRUE(mentions(error, "hhh... (1048581 bytes):")) << error.substr(0, 1000);
  }
}

// A server that drops the client while a large request is being written (as
// Redis does at maxclients, or on CLIENT KILL): the write after its reset
// fails with EPIPE, which raises SIGPIPE in a process that has not ignored
// it, killing this test program. It is a StorageError instead, and the next
// call opens a new connection.
TEST_F(NotRedis, AServerHangingUpDuringALargeRequestIsAnErrorNotSigpipe) {
  FakeServer server(FakeServer::hang_up());
  // Time enough for a loaded machine: the call ends by the hang-up.
  Region& region = client_.region(
      random_hex(), {{"url", "redis://" + server.address() + "/0"}, {"io_timeout_ms", "60000"}});
  const std::string large(32 << 20, 'v');  // many writes: more than a socket takes at once
  for (int call = 0; call < 2; ++call) {
    const CallOutcome outcome = outcome_of([&] { region.set("k", large); });
    EXPECT_TRUE(mentions(outcome.error, server.address())) << outcome.error;
    EXPECT_TRUE(mentions(outcome.error, "SET failed: Broken pipe")) << outcome.error;
  }
  EXPECT_EQ(server.connections(), 2);
}

}  // namespace
}  // namespace regionkv::testing
