// One RedisClient per set of options in a process, and none shared between
// a process and the child it forks (the child would write to the parent's
// sockets and read the parent's replies).
#include "region/backends/redis/shared_clients.h"

#include <gtest/gtest.h>

#include "region/backends/redis/redis_options.h"
#include "tests/support/forked_child.h"

namespace regionkv::redis {
namespace {

RedisOptions options(const std::string& url) { return parse_redis_options({{"url", url}}); }

TEST(SharedClients, RegionsWithTheSameOptionsShareOneClient) {
  const auto first = shared_client(options("redis://127.0.0.1:1/0"));
  EXPECT_EQ(shared_client(options("redis://127.0.0.1:1/0")), first);
  EXPECT_NE(shared_client(options("redis://127.0.0.1:1/1")), first);
}

TEST(SharedClients, AForkedChildGetsClientsOfItsOwn) {
  const auto parents = shared_client(options("redis://127.0.0.1:1/0"));
  const auto child = testing::run_in_forked_child([&](std::string& report) {
    const auto childs = shared_client(options("redis://127.0.0.1:1/0"));
    if (childs == parents) report += "the child got its parent's client\n";
    if (shared_client(options("redis://127.0.0.1:1/0")) != childs)
      report += "the child's regions do not share its client\n";
    return report.empty() ? 0 : 1;
  });
  EXPECT_FALSE(child.hung);
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_EQ(shared_client(options("redis://127.0.0.1:1/0")), parents);
}

}  // namespace
}  // namespace regionkv::redis
