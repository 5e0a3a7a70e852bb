// RegionStats: every figure a region counts, on the built-in stores with
// in-process locks, each shown moving by exactly what was done.
#include <gtest/gtest.h>

#include <thread>

#include "tests/lock/lock_test_support.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

class RegionStatsTest : public LockStoreTest {};

TEST_P(RegionStatsTest, AnUnconfiguredRegionHasOnlyItsName) {
  Region& region = fixture_.region("not-yet");
  const RegionStats stats = region.stats();
  EXPECT_EQ(stats.name, "not-yet");
  EXPECT_EQ(stats.backing_store, "");
  EXPECT_EQ(stats.hits + stats.misses + stats.writes, 0u);
}

TEST_P(RegionStatsTest, ReadsCountHitsAndMissesPerKey) {
  Region& region = configured();
  region.set_multi({{"a", "1"}, {"b", "2"}});
  region.get("a");
  EXPECT_FALSE(region.find("absent"));
  EXPECT_THROW(region.get_multi({"a", "b", "c"}), NotFound);
  const RegionStats stats = region.stats();
  EXPECT_EQ(stats.backing_store, GetParam());
  EXPECT_EQ(stats.hits, 3u);    // a, then a and b
  EXPECT_EQ(stats.misses, 2u);  // absent, then c
  EXPECT_EQ(stats.expired_hidden, 0u);
}

TEST_P(RegionStatsTest, WritesAndDeletesCountKeys) {
  Region& region = configured();
  region.set("a", "1");
  region.set_multi({{"b", "2"}, {"c", "3"}});
  {
    Lock lock = region.get_lock("a");
    region.set("a", "locked", lock);
    region.erase("a", lock);
  }
  region.erase("b");
  EXPECT_THROW(region.erase("b"), NotFound);  // nothing erased: not counted
  region.erase_multi({"c", "never"});
  const RegionStats stats = region.stats();
  EXPECT_EQ(stats.writes, 4u);
  EXPECT_EQ(stats.deletes, 4u);  // a, b, and erase_multi's two keys
}

TEST_P(RegionStatsTest, ExpiredValuesHiddenOnReadAreCounted) {
  if (GetParam() == kValuesOnlyStore) GTEST_SKIP() << "a store of the user's: it does not report";
  RegionConfig c = config();
  c.expire_time = milliseconds(1000);
  Region& region = configured(c);
  region.set_multi({{"a", "1"}, {"b", "2"}});
  fixture_.clock->advance(milliseconds(1000));
  EXPECT_FALSE(region.find("a"));
  EXPECT_THROW(region.get_multi({"b"}), NotFound);
  EXPECT_FALSE(region.find("never-written"));
  const RegionStats stats = region.stats();
  EXPECT_EQ(stats.misses, 3u);
  EXPECT_EQ(stats.expired_hidden, 2u);
}

TEST_P(RegionStatsTest, LocksGrantedAndGivenUp) {
  RegionConfig c = config();
  c.max_lock_attempts = 2;
  Region& region = configured(c);
  Lock held = region.get_lock("k");
  EXPECT_THROW(region.get_lock("k"), LockUnavailable);
  const RegionStats stats = region.stats();
  EXPECT_EQ(stats.locks_granted, 1u);
  EXPECT_EQ(stats.lock_waits, 1u);
  EXPECT_EQ(stats.lock_unavailable, 1u);
  EXPECT_GT(stats.lock_wait_time.count(), 0);
}

TEST_P(RegionStatsTest, AWaitThatEndsInAGrantIsTimed) {
  RegionConfig c = config();
  c.max_lock_attempts = 1'000'000;
  Region& region = configured(c);
  Lock held = region.get_lock("k");
  std::thread waiter([&] { region.get_lock("k"); });
  ASSERT_TRUE(eventually([&] { return region.stats().lock_waits == 1; }));
  std::this_thread::sleep_for(milliseconds(50));
  held.release();
  waiter.join();
  const RegionStats stats = region.stats();
  EXPECT_EQ(stats.locks_granted, 2u);
  EXPECT_GE(stats.lock_wait_time, milliseconds(50));
  EXPECT_EQ(stats.lock_unavailable, 0u);
}

TEST_P(RegionStatsTest, TakeoversAndReleasesThatFoundASuccessor) {
  Region& region = configured();
  Lock stale = region.get_lock("k");
  fixture_.clock->advance(kDefaultLease);
  Lock successor = region.get_lock("k");
  EXPECT_THROW(region.set("k", "late", stale), LockTimeout);
  stale.release();
  RegionStats stats = region.stats();
  // DefaultLocks reads a spent lease as absent (the store hides it): it
  // cannot tell a takeover from a first grant.
  EXPECT_EQ(stats.lock_takeovers, GetParam() == kValuesOnlyStore ? 0u : 1u);
  EXPECT_EQ(stats.releases_found_successor, 1u);
  EXPECT_EQ(stats.lock_timeouts, 1u);
  successor.release();
  EXPECT_EQ(region.stats().releases_found_successor, 1u);
}

// A locked write the region admits but the store refuses (the lock record
// is gone) is a LockTimeout, counted too.
TEST_P(RegionStatsTest, ALockedWriteTheStoreRefusesIsCounted) {
  if (GetParam() == "rocksdb") GTEST_SKIP() << "its records change only through its locks";
  Region& region = configured();
  Lock lock = region.get_lock("k");
  ASSERT_TRUE(region.backend().erase("_lockk"));  // as an eviction would
  EXPECT_THROW(region.set("k", "v", lock), LockTimeout);
  EXPECT_EQ(region.stats().lock_timeouts, 1u);
  EXPECT_EQ(region.stats().writes, 0u);
}

INSTANTIATE_TEST_SUITE_P(Stores, RegionStatsTest, every_local_store(), store_name);

}  // namespace
}  // namespace regionkv::testing
