// A memcached url that names something other than a well-behaved memcached
// server: a server that never answers, one that answers garbage. Every call
// ends within io_timeout_ms (plus a margin for a loaded machine) with a
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
// What a call that opens a connection may take (libmemcached_driver.h), and
// far below the unbounded case (the fake server gives up dripping after
// 10 s) while loose enough for a loaded machine.
constexpr milliseconds kLongestCall = kConnectTimeout + kIoTimeout + milliseconds(2000);

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

}  // namespace
}  // namespace regionkv::testing
