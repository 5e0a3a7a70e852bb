// A Lock that outlives its Store — a long-running process's shutdown path may
// close the store before its last Lock goes — is inactive and harmless: its
// release and its destructor do nothing, and no store takes it for its own.
// The ASan build (scripts/run-sanitizers) runs these too: a use after free
// would be reported there.
#include <gtest/gtest.h>

#include <optional>

#include "tests/lock/lock_test_support.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

class LockLifetimeTest : public LockStoreTest {
 protected:
  std::unique_ptr<Store> open(std::shared_ptr<TimeSource> clock = nullptr) {
    StoreOptions options;
    options.sweep_interval = milliseconds(0);
    options.time_source = std::move(clock);
    return Store::open(dir_.sub("store"), options);
  }
  Region& locks_region(Store& store) {
    Region& region = store.region("locks");
    RegionConfig c = config();
    c.max_lock_attempts = 1;
    region.configure(c);
    return region;
  }
  TempDir dir_;
};

TEST_P(LockLifetimeTest, LockDestroyedAfterItsStoreIsHarmless) {
  std::optional<Lock> survivor;
  {
    auto store = open();
    survivor.emplace(locks_region(*store).get_lock("k"));
    ASSERT_TRUE(survivor->active());
  }
  EXPECT_FALSE(survivor->active());
  EXPECT_NO_THROW(survivor->release());
  survivor.reset();
}

TEST_P(LockLifetimeTest, LockMovedAfterItsStoreClosedStaysInactive) {
  Lock survivor;
  {
    auto store = open();
    survivor = locks_region(*store).get_lock("k");
  }
  Lock moved = std::move(survivor);
  EXPECT_FALSE(moved.active());
  moved = Lock();  // move-assigning releases the old one: nothing to do
  EXPECT_FALSE(moved.active());
}

TEST_P(LockLifetimeTest, StoreReopenedInTheSameProcessRefusesALockOfTheOldOne) {
  std::optional<Lock> survivor;
  {
    auto store = open();
    survivor.emplace(locks_region(*store).get_lock("k"));
  }
  auto store = open();
  Region& region = locks_region(*store);
  try {
    region.set("k", "v", *survivor);
    FAIL() << "a lock of a closed store was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("its store was closed"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(region.find("k"));
}

INSTANTIATE_TEST_SUITE_P(Stores, LockLifetimeTest, every_local_store(), store_name);

// On a persistent store the record of a lock that outlived its store stays
// until its lease runs out, as a crashed holder's would.
TEST(LockLifetimeRocksDBTest, RecordOfALockThatOutlivedItsStoreHoldsUntilItsLeaseEnds) {
  TempDir dir;
  auto clock = std::make_shared<ManualTimeSource>(common::from_unix_ms(1'700'000'000'000));
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  options.time_source = clock;
  RegionConfig config;
  config.max_lock_attempts = 1;
  std::optional<Lock> survivor;
  {
    auto store = Store::open(dir.sub("store"), options);
    Region& region = store->region("locks");
    region.configure(config);
    survivor.emplace(region.get_lock("k"));
  }
  survivor.reset();
  auto store = Store::open(dir.sub("store"), options);
  Region& region = store->region("locks");
  region.configure(config);
  EXPECT_THROW(region.get_lock("k"), LockUnavailable);
  clock->advance(kDefaultLease);
  EXPECT_NO_THROW(region.get_lock("k"));
}

}  // namespace
}  // namespace regionkv::testing
