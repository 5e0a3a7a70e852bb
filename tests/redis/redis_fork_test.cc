// A pre-forking server whose parent used a region on Redis before forking
// (gunicorn --preload with a cache configured at import): a worker that
// configures its own region on the same server gets connections of its own,
// so its replies and its parent's never cross.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/redis/live_redis.h"
#include "tests/support/forked_child.h"

namespace regionkv::testing {
namespace {

// Sets and reads back `rounds` keys named `prefix` + n; returns what went
// wrong.
std::string round_trips(Region& region, const std::string& prefix, int rounds) {
  std::string report;
  for (int n = 0; n < rounds && report.empty(); ++n) {
    const std::string key = prefix + std::to_string(n);
    try {
      region.set(key, key);
      const auto read = region.find(key);
      if (read != key) report = key + " read back as '" + read.value_or("(none)") + "'";
    } catch (const std::exception& e) {
      report = key + ": " + e.what();
    }
  }
  return report;
}

// Without clients of the child's own, both processes read replies from one
// socket: a reply goes to the wrong process in most runs of one child (so
// five run here), and the other then times out.
TEST(RedisFork, AChildsRegionOnTheParentsServerUsesConnectionsOfItsOwn) {
  REGIONKV_REQUIRE_REDIS();
  RedisServer server;
  const std::string name = random_hex();
  RedisRegionClient parent;
  Region& parents = parent.region(name, redis_args(server));
  for (int child_number = 0; child_number < 5; ++child_number) {
    parents.set("opened", "a connection, idle in the pool at the fork");
    // The parent goes on using its region once the child exists, as the
    // child uses its own. Its thread starts after the fork: one starting
    // up (or in malloc) at the fork can hang the child (see
    // run_in_forked_child).
    std::atomic<bool> child_done{false};
    std::string parent_report;
    std::thread parent_traffic;
    const auto child = run_in_forked_child(
        [&](std::string& report) {
          RedisRegionClient own;
          // Long enough to overlap the parent's calls (about 0.5 s).
          report = round_trips(own.region(name, redis_args(server)), "c", 2000);
          return report.empty() ? 0 : 1;
        },
        ChildExit::kExit, std::chrono::seconds(20),
        [&] {
          parent_traffic = std::thread([&] {
            while (!child_done.load() && parent_report.empty())
              parent_report = round_trips(parents, "p", 100);
          });
        });
    child_done.store(true);
    parent_traffic.join();
    ASSERT_FALSE(child.hung) << "child " << child_number;
    ASSERT_EQ(child.exit_status, 0) << "child " << child_number << ": " << child.report;
    ASSERT_EQ(parent_report, "") << "child " << child_number;
  }
}

}  // namespace
}  // namespace regionkv::testing
