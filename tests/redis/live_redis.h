// Helpers for tests against real redis-server processes.
#ifndef REGIONKV_TESTS_REDIS_LIVE_REDIS_H_
#define REGIONKV_TESTS_REDIS_LIVE_REDIS_H_

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "region/backends/redis/redis_options.h"
#include "tests/support/redis_server.h"

// Skips the test when redis-server is not installed; everywhere else (here
// and in CI) it is, and the test runs.
#define REGIONKV_REQUIRE_REDIS()                                     \
  do {                                                               \
    if (!::regionkv::testing::RedisServer::find_binary())            \
      GTEST_SKIP() << "redis-server is not installed (not on PATH)"; \
  } while (false)

namespace regionkv::testing {

// Options for a client of `server`, with short timeouts: a test that waits
// for one waits briefly.
inline redis::RedisOptions options_for(const RedisServer& server, int database = 0) {
  redis::RedisOptions options = redis::parse_redis_options({{"url", server.url(database)}});
  options.connect_timeout = std::chrono::milliseconds(500);
  options.io_timeout = std::chrono::milliseconds(300);
  options.pool_size = 4;
  return options;
}

inline redis::RedisOptions options_for(const RedisCluster& cluster) {
  redis::RedisOptions options = redis::parse_redis_options({{"cluster", cluster.seeds()}});
  options.connect_timeout = std::chrono::milliseconds(500);
  options.io_timeout = std::chrono::milliseconds(1000);
  options.pool_size = 4;
  return options;
}

// Whether `text` contains `part`, for checking error messages.
inline bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_REDIS_LIVE_REDIS_H_
