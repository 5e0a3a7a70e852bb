// Helpers for tests against real redis-server processes.
#ifndef REGIONKV_TESTS_REDIS_LIVE_REDIS_H_
#define REGIONKV_TESTS_REDIS_LIVE_REDIS_H_

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "region/backends/redis/redis_options.h"
#include "regionkv/regionkv.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

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

// backend_args for a region on `server` (or `cluster`), with the same short
// timeouts as options_for.
inline std::map<std::string, std::string> redis_args(const RedisServer& server,
                                                     int database = 0) {
  return {{"url", server.url(database)},
          {"connect_timeout_ms", "500"},
          {"io_timeout_ms", "300"},
          {"pool_size", "4"}};
}
inline std::map<std::string, std::string> redis_args(const RedisCluster& cluster) {
  return {{"cluster", cluster.seeds()},
          {"connect_timeout_ms", "500"},
          {"io_timeout_ms", "1000"},
          {"pool_size", "4"}};
}

// A client of Redis through the public interface: a store of its own
// without a directory (Store::open_remote; on the system clock unless given
// one) whose regions live on Redis. Several clients stand for several
// processes: what they share is the servers' state. (Regions of one process
// configured alike also share connections, shared_clients.h; that changes
// no answer.)
class RedisRegionClient {
 public:
  explicit RedisRegionClient(std::shared_ptr<TimeSource> clock = nullptr) {
    StoreOptions options;
    options.time_source = std::move(clock);
    options.sweep_interval = std::chrono::milliseconds(0);
    store_ = Store::open_remote(options);
  }

  // The region `name`, configured on Redis with `args` and `config`'s other
  // settings.
  Region& region(const std::string& name, std::map<std::string, std::string> args,
                 RegionConfig config = {}) {
    config.backing_store = "redis";
    config.backend_args = std::move(args);
    Region& region = store_->region(name);
    region.configure(std::move(config));
    return region;
  }

 private:
  std::unique_ptr<Store> store_;
};

inline RedisBackend& redis_backend_of(Region& region) {
  return dynamic_cast<RedisBackend&>(region.backend());
}

// Whether `text` contains `part`, for checking error messages.
inline bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_REDIS_LIVE_REDIS_H_
