// Store::sweep_now: one synchronous pass that removes every expired record
// (values, and lock records whose lease has run out) from every region, and
// returns how many; Store::sweep_stats counts what the sweeper did.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "tests/expiry/expiry_test_util.h"

namespace regionkv::testing {
namespace {

constexpr milliseconds kLockTimeout{5000};
constexpr milliseconds kLease = kLockTimeout + seconds(1);  // the spec's lease

class SweepNowTest : public ::testing::TestWithParam<std::string> {
 protected:
  Region& configured(const std::string& name = "tokens") {
    Region& region = store_.store().region(name);
    RegionConfig config = expiring(GetParam());
    config.lock_timeout = kLockTimeout;
    region.configure(config);
    return region;
  }
  std::string lock_record(const Region& region, const std::string& key) {
    return "_lock" + stored_key(region, key);
  }

  ManualStore store_;
};

TEST_P(SweepNowTest, ReturnsExpiredRecordsRemoved) {
  Region& region = configured();
  for (int i = 0; i < 10; ++i) region.set("old" + std::to_string(i), "v");
  store_.clock().advance(seconds(5));
  for (int i = 0; i < 5; ++i) region.set("new" + std::to_string(i), "v");
  store_.clock().advance(seconds(5));  // the "old" values expire now
  EXPECT_EQ(store_.store().sweep_now(), 10u);
  EXPECT_FALSE(holds_record(store_.store(), region, stored_key(region, "old0")));
  EXPECT_EQ(region.find("new0"), "v");
}

TEST_P(SweepNowTest, ReturnsZeroWhenNothingExpired) {
  Region& region = configured();
  region.set("k", "v");
  store_.clock().advance(kExpireTime - milliseconds(1));
  EXPECT_EQ(store_.store().sweep_now(), 0u);
  EXPECT_EQ(region.find("k"), "v");
}

TEST_P(SweepNowTest, SecondPassFindsNothingLeft) {
  Region& region = configured();
  region.set("k", "v");
  store_.clock().advance(kExpireTime);
  ASSERT_EQ(store_.store().sweep_now(), 1u);
  EXPECT_EQ(store_.store().sweep_now(), 0u);
}

TEST_P(SweepNowTest, LockRecordIsSweptOnceItsLeaseRunsOut) {
  Region& region = configured();
  Lock lock = region.get_lock("k");
  ASSERT_TRUE(holds_record(store_.store(), region, lock_record(region, "k")));
  store_.clock().advance(kLease);
  EXPECT_EQ(store_.store().sweep_now(), 1u);
  EXPECT_FALSE(holds_record(store_.store(), region, lock_record(region, "k")));
  EXPECT_NO_THROW(lock.release());  // releasing a swept lease is harmless
}

TEST_P(SweepNowTest, LiveLockIsNotSwept) {
  Region& region = configured();
  Lock lock = region.get_lock("k");
  store_.clock().advance(kLease - milliseconds(1));
  EXPECT_EQ(store_.store().sweep_now(), 0u);
  EXPECT_TRUE(holds_record(store_.store(), region, lock_record(region, "k")));
}

TEST_P(SweepNowTest, LockTakenOverAfterItsLeaseIsNotSwept) {
  Region& region = configured();
  Lock first = region.get_lock("k");
  store_.clock().advance(kLease);
  Lock second = region.get_lock("k");  // takes over the expired lease
  EXPECT_EQ(store_.store().sweep_now(), 0u);
  EXPECT_NO_THROW(region.set("k", "v", second));
  EXPECT_EQ(region.get("k"), "v");
}

TEST_P(SweepNowTest, CountsInStats) {
  Region& region = configured();
  region.set("a", "v");
  region.set("b", "v");
  store_.clock().advance(kExpireTime);
  store_.store().sweep_now();
  store_.store().sweep_now();
  const SweepStats stats = store_.store().sweep_stats();
  EXPECT_EQ(stats.records_swept, 2u);
  EXPECT_EQ(stats.passes, 2u);
  EXPECT_EQ(stats.passes_cut_short, 0u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.last_error, "");
}

INSTANTIATE_TEST_SUITE_P(BuiltInStores, SweepNowTest,
                         ::testing::Values("rocksdb", "memory"),
                         [](const auto& info) { return info.param; });

TEST(SweepNowAllRegionsTest, SweepsRocksDBAndMemoryRegionsInOnePass) {
  ManualStore store;
  Region& persistent = store.store().region("persistent");
  Region& volatile_region = store.store().region("volatile");
  persistent.configure(expiring("rocksdb"));
  volatile_region.configure(expiring("memory"));
  persistent.set_multi({{"a", "1"}, {"b", "2"}});
  volatile_region.set_multi({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  store.clock().advance(kExpireTime);
  EXPECT_EQ(store.store().sweep_now(), 5u);
  EXPECT_EQ(raw_keys(store.store(), "persistent"), std::vector<std::string>{});
  EXPECT_EQ(store.store().sweep_now(), 0u) << "expired records were left behind";
}

TEST(SweepNowAllRegionsTest, LastPassDurationIsMeasured) {
  ManualStore store;
  Region& region = store.store().region("tokens");
  region.configure(expiring("rocksdb"));
  for (int i = 0; i < 100; ++i) region.set(std::to_string(i), "v");
  store.clock().advance(kExpireTime);
  EXPECT_EQ(store.store().sweep_stats().last_pass_duration, std::chrono::microseconds(0));
  store.store().sweep_now();
  EXPECT_GT(store.store().sweep_stats().last_pass_duration, std::chrono::microseconds(0));
}

// ---- errors ----------------------------------------------------------------

// A memory store whose first `failures` sweeps throw.
class FlakySweepBackend : public MemoryBackend {
 public:
  static std::atomic<int> failures;
  using MemoryBackend::MemoryBackend;
  SweepProgress sweep_expired(TimePoint now, std::string_view resume_from,
                              std::chrono::steady_clock::time_point deadline) override {
    if (failures.fetch_sub(1) > 0) throw StorageError("disk on fire");
    return MemoryBackend::sweep_expired(now, resume_from, deadline);
  }
};
std::atomic<int> FlakySweepBackend::failures{0};

class SweepErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_backend("flaky_sweep", [](const RegionConfig& config) {
      return std::make_unique<FlakySweepBackend>(config);
    });
    FlakySweepBackend::failures = 1;
    StoreOptions options = ManualStore::options_for(milliseconds(0));
    options.sweep_error_log = [this](std::string_view message) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(message);
    };
    store_.reopen(std::move(options));
    flaky_ = &store_.store().region("flaky");
    healthy_ = &store_.store().region("healthy");
    flaky_->configure(expiring("flaky_sweep"));
    healthy_->configure(expiring("rocksdb"));
    flaky_->set("k", "v");
    healthy_->set("k", "v");
    store_.clock().advance(kExpireTime);
  }

  ManualStore store_;
  Region* flaky_ = nullptr;
  Region* healthy_ = nullptr;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(SweepErrorTest, FailedRegionIsLoggedAndCounted) {
  store_.store().sweep_now();
  const SweepStats stats = store_.store().sweep_stats();
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_NE(stats.last_error.find("region 'flaky'"), std::string::npos)
      << stats.last_error;
  EXPECT_NE(stats.last_error.find("disk on fire"), std::string::npos) << stats.last_error;
  std::lock_guard lock(log_mutex_);
  EXPECT_EQ(log_, std::vector<std::string>{stats.last_error});
}

TEST_F(SweepErrorTest, OtherRegionsAreSweptInTheFailingPass) {
  EXPECT_EQ(store_.store().sweep_now(), 1u);
  EXPECT_EQ(raw_keys(store_.store(), "healthy"), std::vector<std::string>{});
}

TEST_F(SweepErrorTest, FailedRegionIsSweptByTheNextPass) {
  store_.store().sweep_now();
  EXPECT_EQ(store_.store().sweep_now(), 1u);
  EXPECT_EQ(store_.store().sweep_now(), 0u) << "expired records were left behind";
  EXPECT_EQ(store_.store().sweep_stats().errors, 1u);
}

}  // namespace
}  // namespace regionkv::testing
