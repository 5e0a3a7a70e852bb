// Region::is_locked on every store with in-process locks (rocksdb, memory,
// and a store with values only, through locking::DefaultLocks): true exactly
// while a holder has a live lock on the key, judged by the region's clock;
// it takes nothing. The servers' stores are in tests/redis/ and
// tests/memcached/.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/lock/lock_test_support.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

using LockIsLockedTest = LockStoreTest;

TEST_P(LockIsLockedTest, TrueWhileAnotherThreadHoldsTheLockAndFalseAfterItsRelease) {
  Region& region = configured();
  std::promise<void> taken, may_release, released;
  std::thread holder([&] {
    Lock lock = region.get_lock("k");
    taken.set_value();
    may_release.get_future().wait();
    lock.release();
    released.set_value();
  });
  taken.get_future().wait();
  EXPECT_TRUE(region.is_locked("k"));
  EXPECT_TRUE(region.is_locked("k")) << "asking took the lock or changed it";
  may_release.set_value();
  released.get_future().wait();
  EXPECT_FALSE(region.is_locked("k"));
  holder.join();
}

TEST_P(LockIsLockedTest, FalseOnceTheHoldersLeaseRanOut) {
  RegionConfig c = config();
  c.max_lock_attempts = 1;
  Region& region = configured(c);
  Lock holder = region.get_lock("k");
  fixture_.clock->advance(kDefaultLease - milliseconds(1));
  EXPECT_TRUE(region.is_locked("k"));
  fixture_.clock->advance(milliseconds(1));
  EXPECT_FALSE(region.is_locked("k"));
  EXPECT_NO_THROW(region.get_lock("k")) << "is_locked and get_lock disagree";
}

TEST_P(LockIsLockedTest, TakesNothingAndWritesNothing) {
  RegionConfig c = config();
  c.max_lock_attempts = 1;
  Region& region = configured(c);
  EXPECT_FALSE(region.is_locked("k"));
  EXPECT_FALSE(stored_token(region, "k"));
  Lock lock = region.get_lock("k");
  EXPECT_TRUE(region.is_locked("k"));
  EXPECT_EQ(stored_token(region, "k"), lock.fencing_token());
  EXPECT_NO_THROW(region.set("k", "v", lock));
}

TEST_P(LockIsLockedTest, AnswersForTheKeyAsked) {
  Region& region = configured();
  Lock lock = region.get_lock("a");
  EXPECT_TRUE(region.is_locked("a"));
  EXPECT_FALSE(region.is_locked("b"));
}

TEST_P(LockIsLockedTest, ALeaseThatNeverRunsOutStaysLocked) {
  RegionConfig c = config();
  c.lock_timeout = milliseconds(0);
  Region& region = configured(c);
  Lock lock = region.get_lock("k");
  fixture_.clock->advance(std::chrono::hours(24 * 365));
  EXPECT_TRUE(region.is_locked("k"));
}

TEST_P(LockIsLockedTest, FalseWithLockingOff) {
  RegionConfig c = config();
  c.locking = false;
  Region& region = configured(c);
  Lock lock = region.get_lock("k");
  EXPECT_TRUE(lock.active());
  EXPECT_FALSE(region.is_locked("k"));
}

TEST_P(LockIsLockedTest, RefusedOnAnUnconfiguredRegionAndForAnEmptyKey) {
  EXPECT_THROW(fixture_.region().is_locked("k"), ConfigError);
  EXPECT_THROW(configured().is_locked(""), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Stores, LockIsLockedTest, every_local_store(), store_name);

}  // namespace
}  // namespace regionkv::testing
