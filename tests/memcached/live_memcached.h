// Helpers for tests against real memcached servers.
#ifndef REGIONKV_TESTS_MEMCACHED_LIVE_MEMCACHED_H_
#define REGIONKV_TESTS_MEMCACHED_LIVE_MEMCACHED_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "regionkv/regionkv.h"
#include "tests/support/memcached_server.h"
#include "tests/support/temp_dir.h"

// Skips the test when memcached is not installed; everywhere else (here and
// in CI) it is, and the test runs.
#define REGIONKV_REQUIRE_MEMCACHED()                              \
  do {                                                            \
    if (!::regionkv::testing::MemcachedServer::find_binary())     \
      GTEST_SKIP() << "memcached is not installed (not on PATH)"; \
  } while (false)

namespace regionkv::testing {

// A client of the servers: its own store without a directory
// (Store::open_remote, on the system clock) whose regions live on memcached.
// Several clients stand for several processes.
class MemcachedClient {
 public:
  MemcachedClient() : store_(Store::open_remote()) {}

  // The region `name`, configured against `url` with `config`'s other
  // settings.
  Region& region(const std::string& name, const std::string& url, RegionConfig config = {}) {
    config.backing_store = "memcached";
    config.backend_args["url"] = url;
    Region& region = store_->region(name);
    region.configure(std::move(config));
    return region;
  }

 private:
  std::unique_ptr<Store> store_;
};

inline std::string join_urls(const std::vector<const MemcachedServer*>& servers) {
  std::string url;
  for (const auto* server : servers) url += (url.empty() ? "" : ",") + server->address();
  return url;
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_MEMCACHED_LIVE_MEMCACHED_H_
