// Two OS processes contend for one lock on a real memcached server. The first
// holder is paused (SIGSTOP) past its lease, the second takes the lock over,
// and once resumed the first holder's locked write is refused.
#include <gtest/gtest.h>

#include <chrono>

#include "lock/lease_record.h"
#include "tests/memcached/live_memcached.h"
#include "tests/support/piped_child.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

TEST(MemcachedProcessLock, APausedHoldersLockedWriteIsRefusedAfterATakeover) {
  REGIONKV_REQUIRE_MEMCACHED();
  MemcachedServer server;
  TempDir dir;
  const std::string region_name = random_hex();
  // lock_timeout 2 s: a 3 s lease, locked writes allowed in its first second.
  // memcached_lock_contender.cc, driven through its stdin and stdout. The
  // lease starts after this moment, however long the steps below take.
  const auto contender_started = std::chrono::steady_clock::now();
  PipedChild contender({REGIONKV_LOCK_CONTENDER_PATH, server.address(), region_name, "k", "2000",
                        dir.sub("contender")});
  const std::string locked = contender.read_line();
  ASSERT_EQ(locked.rfind("locked ", 0), 0u) << locked;
  const std::uint64_t contender_token = std::stoull(locked.substr(7));
  contender.pause();

  MemcachedClient self;
  RegionConfig config;
  config.lock_timeout = milliseconds(2000);
  config.max_lock_attempts = 60;
  Region& region = self.region(region_name, server.address(), config);
  Lock lock = region.get_lock("k");
  // memcached counts expiry in whole seconds: a record may go a second early.
  EXPECT_GE(std::chrono::steady_clock::now() - contender_started, milliseconds(3000 - 1000))
      << "the lock was taken over only when the paused holder's lease ran out";
  EXPECT_GT(lock.fencing_token(), contender_token);
  region.set("k", "from-successor", lock);

  contender.resume();
  contender.write_line("write");
  const std::string refused = contender.read_line();
  EXPECT_EQ(refused.rfind("refused LockTimeout", 0), 0u) << refused;
  EXPECT_EQ(contender.read_line(), "backend lock-lost")
      << "the record no longer carries the paused holder's token";
  EXPECT_EQ(contender.read_line(), "released");
  EXPECT_EQ(contender.wait(), 0);

  EXPECT_EQ(region.get("k"), "from-successor");
  const auto record = region.backend().get(lock::lock_record_key(xxh3_mangle_key("k")));
  ASSERT_TRUE(record) << "the paused holder's release deleted its successor's lock";
  EXPECT_EQ(lock::decode_lease(*record).fencing_token, lock.fencing_token());
}

}  // namespace
}  // namespace regionkv::testing
