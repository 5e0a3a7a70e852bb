// The spec's lock rules through Region on a region kept on one real Redis
// server: exclusion across threads and clients, tokens strictly increasing
// per region, takeover once a lease runs out on the server's clock, a stale
// holder refused by the server, and a release that never deletes a
// successor's record. Leases that must run out here are real and short
// (lock_timeout 1 s: a 2 s lease); a manual clock would not move Redis'.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lock/lease_record.h"
#include "tests/redis/live_redis.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

class RedisRegionLocks : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
  }

  Region& region(RegionConfig config = {}, const std::string& name = random_hex()) {
    return client_.region(name, redis_args(*server_), std::move(config));
  }

  std::optional<RedisServer> server_;
  RedisRegionClient client_;
};

// The lock record a region keeps for `key` (mangled by the default
// mangler), as the backend reads it.
std::optional<lock::LeaseRecord> lock_record(Region& region, const std::string& key) {
  const auto bytes = region.backend().get(lock::lock_record_key(xxh3_mangle_key(key)));
  if (!bytes) return std::nullopt;
  return lock::decode_lease(*bytes);
}

TEST_F(RedisRegionLocks, LockCyclesLeaveNoRecordAndTokensIncrease) {
  Region& r = region();
  std::uint64_t previous = 0;
  for (int i = 0; i < 5; ++i) {
    Lock lock = r.get_lock("k");
    EXPECT_GT(lock.fencing_token(), previous);
    previous = lock.fencing_token();
    const auto record = lock_record(r, "k");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->fencing_token, lock.fencing_token());
    EXPECT_EQ(record->acquired_at, lock.acquired_at());
    EXPECT_EQ(record->lease, milliseconds(6000));
    r.set("k", std::to_string(i), lock);
    lock.release();
    EXPECT_FALSE(lock_record(r, "k"));
  }
  EXPECT_EQ(r.get("k"), "4");
}

TEST_F(RedisRegionLocks, ALockHeldByOneClientIsUnavailableToAnother) {
  RedisRegionClient other;
  RegionConfig config;
  config.max_lock_attempts = 2;
  Region& mine = region(config, "shared");
  Region& theirs = other.region("shared", redis_args(*server_), config);
  Lock held = mine.get_lock("k");
  EXPECT_THROW(theirs.get_lock("k"), LockUnavailable);
  held.release();
  Lock taken = theirs.get_lock("k");
  EXPECT_GT(taken.fencing_token(), held.fencing_token());
}

// Standalone mode: one counter per region, so every grant in the region,
// whichever key and client, carries a larger token than the one before.
TEST_F(RedisRegionLocks, TokensStrictlyIncreaseAcrossTheRegionsKeysAndClients) {
  RedisRegionClient other;
  Region& mine = region({}, "counted");
  Region& theirs = other.region("counted", redis_args(*server_));
  std::uint64_t previous = 0;
  for (int i = 0; i < 20; ++i) {
    Region& r = i % 2 == 0 ? mine : theirs;
    Lock lock = r.get_lock("key-" + std::to_string(i % 3));
    EXPECT_GT(lock.fencing_token(), previous);
    previous = lock.fencing_token();
  }
}

TEST_F(RedisRegionLocks, ConcurrentHoldersInTwoClientsExcludeEachOther) {
  RedisRegionClient other;
  RegionConfig config;
  config.max_lock_attempts = 1000;
  Region& mine = region(config, "contended");
  Region& theirs = other.region("contended", redis_args(*server_), config);
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> cycles{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Region& r = t % 2 == 0 ? mine : theirs;
      for (int i = 0; i < 50; ++i) {
        Lock lock = r.get_lock("contended");
        if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
        r.set("contended", std::to_string(cycles.fetch_add(1)), lock);
        inside.fetch_sub(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(cycles.load(), 200);
  EXPECT_FALSE(lock_record(mine, "contended"));
}

// The holder's region runs on a manual clock that never moves, so the
// region's own check before a locked write (its view of its lease) always
// passes and only the server can refuse: the record it finds carries the
// successor's token.
TEST_F(RedisRegionLocks, AfterATakeoverTheServerRefusesTheStaleHolderAndKeepsItsSuccessor) {
  // A whole millisecond: lock_timeout 1 s leaves locked writes exactly the
  // grant's millisecond (now + 1 s <= acquired_at + lock_timeout).
  RedisRegionClient frozen(std::make_shared<ManualTimeSource>(
      std::chrono::floor<milliseconds>(std::chrono::system_clock::now())));
  RegionConfig config;
  config.lock_timeout = milliseconds(1000);  // a 2 s lease
  config.max_lock_attempts = 1000;
  Region& stale_region = frozen.region("taken-over", redis_args(*server_), config);
  RegionConfig successor_config;  // on the system clock: lock_timeout 5 s
  successor_config.max_lock_attempts = 1000;
  Region& r = region(successor_config, "taken-over");

  Lock stale = stale_region.get_lock("k");
  stale_region.set("k", "stale-holder", stale);
  const auto started = std::chrono::steady_clock::now();
  Lock successor = r.get_lock("k");
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(1500))
      << "taken over only once the stale holder's lease ran out on the server";
  EXPECT_GT(successor.fencing_token(), stale.fencing_token());
  r.set("k", "successor", successor);

  try {
    stale_region.set("k", "late", stale);
    FAIL() << "the stale holder's write was applied";
  } catch (const LockTimeout& error) {
    EXPECT_TRUE(mentions(error.what(), "the lock was lost")) << error.what();
  }
  EXPECT_THROW(stale_region.erase("k", stale), LockTimeout);
  stale.release();
  const auto record = lock_record(r, "k");
  ASSERT_TRUE(record) << "the stale release deleted its successor's lock";
  EXPECT_EQ(record->fencing_token, successor.fencing_token());
  EXPECT_EQ(r.get("k"), "successor");
}

TEST_F(RedisRegionLocks, ALockedEraseOfAnAbsentValueIsNotFoundAndKeepsTheLock) {
  Region& r = region();
  Lock lock = r.get_lock("k");
  EXPECT_THROW(r.erase("k", lock), NotFound);
  r.set("k", "v", lock);
  r.erase("k", lock);
  EXPECT_FALSE(r.find("k"));
  EXPECT_TRUE(lock_record(r, "k"));
}

TEST_F(RedisRegionLocks, WithLockingOffNothingIsStored) {
  RegionConfig config;
  config.locking = false;
  Region& r = region(config, "unlocked");
  Lock lock = r.get_lock("k");
  EXPECT_TRUE(lock.active());
  EXPECT_EQ(lock.fencing_token(), 0u);
  r.set("k", "v", lock);
  EXPECT_EQ(server_->command({"KEYS", "rkv:unlocked:*"}),
            redis_backend_of(r).redis_key(xxh3_mangle_key("k")));
}

TEST_F(RedisRegionLocks, ALockTimeoutOfZeroNeverRunsOut) {
  RegionConfig config;
  config.lock_timeout = milliseconds(0);
  config.max_lock_attempts = 1;
  Region& r = region(config);
  Lock lock = r.get_lock("k");
  const std::string record_key =
      redis_backend_of(r).redis_key(lock::lock_record_key(xxh3_mangle_key("k")));
  EXPECT_EQ(server_->command({"PTTL", record_key}), "-1");
  EXPECT_EQ(lock_record(r, "k")->lease, milliseconds(0));
  EXPECT_THROW(r.get_lock("k"), LockUnavailable);
}

// The creator holds the lock until the three others have found it held, so
// the four really race, however the threads are scheduled.
TEST_F(RedisRegionLocks, GetOrCreateRunsTheCreatorOnceAcrossClients) {
  constexpr int kThreads = 4;
  RedisRegionClient other;
  RegionConfig config;
  config.max_lock_attempts = 1'000'000;  // the waiters outlast any schedule
  Region& mine = region(config, "created");
  Region& theirs = other.region("created", redis_args(*server_), config);
  const auto waits = [&] { return mine.stats().lock_waits + theirs.stats().lock_waits; };
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Region& r = t % 2 == 0 ? mine : theirs;
      EXPECT_EQ(r.get_or_create("k",
                                [&] {
                                  created.fetch_add(1);
                                  EXPECT_TRUE(eventually([&] { return waits() == kThreads - 1; }));
                                  return std::string("made once");
                                }),
                "made once");
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created.load(), 1);
}

TEST_F(RedisRegionLocks, IsLockedWhileAnotherClientHoldsTheLockAndNotAfterItsRelease) {
  RedisRegionClient other;
  Region& mine = region({}, "asked");
  Region& theirs = other.region("asked", redis_args(*server_));
  EXPECT_FALSE(mine.is_locked("k"));
  Lock held = theirs.get_lock("k");
  EXPECT_TRUE(mine.is_locked("k"));
  EXPECT_TRUE(theirs.is_locked("k"));
  EXPECT_FALSE(mine.is_locked("other"));
  EXPECT_EQ(lock_record(mine, "k")->fencing_token, held.fencing_token())
      << "asking changed the record";
  held.release();
  EXPECT_FALSE(mine.is_locked("k"));
}

// The server runs the lease out (lock_timeout 1 ms: a 1001 ms lease).
TEST_F(RedisRegionLocks, IsLockedTurnsFalseWhenTheServerRunsTheLeaseOut) {
  RegionConfig config;
  config.lock_timeout = milliseconds(1);
  Region& r = region(config);
  const auto taken = std::chrono::steady_clock::now();
  Lock abandoned = r.get_lock("k");
  EXPECT_TRUE(r.is_locked("k"));
  EXPECT_TRUE(eventually([&] { return !r.is_locked("k"); }, std::chrono::seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - taken, milliseconds(1000));
}

// A region with locking off waits for no lock, so none is held for it:
// not even one a client with locking on holds on the same records.
TEST_F(RedisRegionLocks, IsLockedIsFalseWithLockingOff) {
  RedisRegionClient other;
  RegionConfig config;
  config.locking = false;
  Region& unlocked = region(config, "mixed");
  Region& locking = other.region("mixed", redis_args(*server_));
  Lock own = unlocked.get_lock("k");
  EXPECT_FALSE(unlocked.is_locked("k"));
  Lock held = locking.get_lock("k");
  EXPECT_TRUE(locking.is_locked("k"));
  EXPECT_FALSE(unlocked.is_locked("k"));
}

}  // namespace
}  // namespace regionkv::testing
