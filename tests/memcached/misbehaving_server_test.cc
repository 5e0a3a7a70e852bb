// A memcached url that names something other than a well-behaved memcached
// server: a server that never answers, one that answers garbage, one that
// drips its answer a byte every 300 ms, one that hangs up mid-request. Every
// call ends within io_timeout_ms (plus a margin for a loaded machine) with a
// StorageError naming the server, and a read never mistakes a broken server
// for a miss.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/memcached/live_memcached.h"
#include "tests/support/failing_calls.h"
#include "tests/support/fake_server.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kIoTimeout{500};
constexpr milliseconds kConnectTimeout{500};
// What a call that opens a connection may take (memcached.h), and
// far below the unbounded case (the fake server gives up dripping after
// 10 s) while loose enough for a loaded machine.
constexpr milliseconds kLongestCall = kConnectTimeout + kIoTimeout + milliseconds(2000);

// The start of a megabyte value, an answer no dripping server finishes.
const char* const kHugeValue = "VALUE k 0 1000000\r\n";

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class NotMemcached : public ::testing::TestWithParam<std::string> {
 protected:
  Region& region_on(const FakeServer& server) {
    RegionConfig config;
    config.backend_args = {{"connect_timeout_ms", std::to_string(kConnectTimeout.count())},
                           {"io_timeout_ms", std::to_string(kIoTimeout.count())},
                           {"protocol", GetParam()}};
    return client_.region(random_hex(), server.address(), config);
  }

  MemcachedClient client_;
};

INSTANTIATE_TEST_SUITE_P(Protocols, NotMemcached, ::testing::Values("ascii", "binary"));

TEST_P(NotMemcached, ADrippedAnswerFailsEveryCallWithinTheIoTimeout) {
  FakeServer server(FakeServer::drip(kHugeValue));
  Region& region = region_on(server);
  expect_every_call_fails_within(region, kLongestCall, server.address());
  // Each call opens a connection (the last one's was closed), so its budget
  // is connect_timeout_ms + io_timeout_ms.
  const CallOutcome outcome = outcome_of([&] { region.find("k"); });
  EXPECT_GE(outcome.took, kIoTimeout + kConnectTimeout - milliseconds(50));
  EXPECT_TRUE(mentions(outcome.error, "no complete answer within 1000 ms (io_timeout_ms"))
      << outcome.error;
}

// A connection already open: the call's budget is io_timeout_ms alone.
TEST_P(NotMemcached, ADrippedAnswerOnAnOpenConnectionFailsWithinTheIoTimeout) {
  const bool binary = GetParam() == "binary";
  // What memcached answers a set: "STORED", or a binary header with status 0.
  const std::string stored =
      binary ? std::string("\x81\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 24)
             : std::string("STORED\r\n");
  FakeServer server(FakeServer::drip(kHugeValue, stored));
  Region& region = region_on(server);
  region.set("k", "v");
  const CallOutcome outcome = outcome_of([&] { region.find("k"); });
  RecordProperty("find_ms", static_cast<int>(outcome.took.count()));
  EXPECT_GE(outcome.took, kIoTimeout - milliseconds(50));
  EXPECT_LT(outcome.took, kIoTimeout + milliseconds(2000));
  EXPECT_TRUE(mentions(outcome.error, "no complete answer within 500 ms (io_timeout_ms)"))
      << outcome.error;
}

TEST_P(NotMemcached, ASilentServerFailsEveryCallWithinTheIoTimeout) {
  FakeServer server(FakeServer::silent());
  Region& region = region_on(server);
  expect_every_call_fails_within(region, kLongestCall, server.address());
}

TEST_P(NotMemcached, AnAnswerThatIsNotMemcachedFailsEveryCallAndNoReadIsAMiss) {
  FakeServer server(FakeServer::garbage("HTTP/1.1 400 Bad Request\r\n\r\n"));
  Region& region = region_on(server);
  expect_every_call_fails_within(region, kLongestCall, server.address());
}

TEST_P(NotMemcached, AConnectionThatTimedOutIsNeverUsedAgain) {
  FakeServer server(FakeServer::drip(kHugeValue));
  Region& region = region_on(server);
  expect_a_timed_out_connection_is_not_used_again(region, server);
}

// A server that drops the client while a value is being written: the write
// after its reset fails with EPIPE, which would raise SIGPIPE (killing this
// test program) but for libmemcached's MSG_NOSIGNAL. A StorageError, and the
// next call opens a new connection.
TEST_P(NotMemcached, AServerHangingUpDuringALargeRequestIsAnErrorNotSigpipe) {
  FakeServer server(FakeServer::hang_up());
  RegionConfig config;
  // Time enough for a loaded machine: the call ends by the hang-up.
  config.backend_args = {{"io_timeout_ms", "60000"}, {"protocol", GetParam()}};
  Region& region = client_.region(random_hex(), server.address(), config);
  const std::string large(900 << 10, 'v');  // written in many pieces
  for (int call = 0; call < 2; ++call) {
    const std::string error = outcome_of([&] { region.set("k", large); }).error;
    EXPECT_TRUE(mentions(error, server.address())) << error;
  }
  EXPECT_EQ(server.connections(), 2);
}

// A mistaken url may be megabytes long: the message that refuses it, or
// that fails a call on it, names it with at most 200 bytes of it.
TEST(LongMemcachedUrl, IsCutInTheMessagesThatEchoIt) {
  const std::string host(1 << 20, 'h');
  MemcachedClient client;
  std::string error = "(accepted, and a call succeeded)";
  try {
    client.region(random_hex(), host + ":11211").find("k");
  } catch (const std::exception& refused) {
    error = refused.what();
  }
  EXPECT_LT(error.size(), 1000u) << error.substr(0, 1000);
  EXPECT_TRUE(mentions(error, "hhh... (")) << error.substr(0, 1000);
}

}  // namespace
}  // namespace regionkv::testing
