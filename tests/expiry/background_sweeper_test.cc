// The background sweeper: started by Store::open when sweep_interval > 0,
// it removes expired records without being asked, never loses a fresh write
// while writers run, and stops promptly when the store closes, even in the
// middle of a long pass. Time is manual: these tests wait for the sweeper's
// thread to make progress, never for anything to expire.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "tests/support/eventually.h"

#include "tests/expiry/expiry_test_util.h"

namespace regionkv::testing {
namespace {


std::chrono::milliseconds time_to_close(ManualStore& store) {
  const auto started = std::chrono::steady_clock::now();
  store.fixture.store.reset();
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                  started);
}

TEST(BackgroundSweeperTest, RemovesExpiredRecordsWithoutBeingAsked) {
  ManualStore store(milliseconds(5));
  Region& persistent = store.store().region("persistent");
  Region& volatile_region = store.store().region("volatile");
  persistent.configure(expiring("rocksdb"));
  volatile_region.configure(expiring("memory"));
  persistent.set("k", "v");
  volatile_region.set("k", "v");
  store.clock().advance(kExpireTime);

  ASSERT_TRUE(eventually([&] { return store.store().sweep_stats().records_swept == 2; }));
  EXPECT_EQ(raw_keys(store.store(), "persistent"), std::vector<std::string>{});
  EXPECT_EQ(store.store().sweep_now(), 0u) << "expired records were left behind";
}

TEST(BackgroundSweeperTest, SweepsARegionNotConfiguredSinceReopening) {
  ManualStore store;
  store.store().region("tokens").configure(expiring("rocksdb"));
  store.store().region("tokens").set("k", "v");
  store.clock().advance(kExpireTime);
  store.reopen(ManualStore::options_for(milliseconds(5)));
  ASSERT_TRUE(eventually([&] { return store.store().sweep_stats().records_swept == 1; }));
  EXPECT_EQ(raw_keys(store.store(), "tokens"), std::vector<std::string>{});
}

// ---- concurrent writers ----------------------------------------------------

class SweeperWithWritersTest : public ::testing::TestWithParam<std::string> {};

// Writers rewrite keys that keep expiring while the clock races ahead, the
// background sweeper runs every millisecond and another thread calls
// sweep_now in a loop. A value read back before its expiry must be there:
// a sweep that deleted a record rewritten after its scan would fail this.
TEST_P(SweeperWithWritersTest, NoFreshWriteIsLost) {
  constexpr milliseconds kShortExpiry{50};
  constexpr int kWriters = 2;
  constexpr int kKeysPerWriter = 200;
  ManualStore store(milliseconds(1));
  Region& region = store.store().region("tokens");
  RegionConfig config = expiring(GetParam());
  config.expire_time = kShortExpiry;
  region.configure(config);

  std::atomic<bool> done{false};
  std::atomic<long> checked{0};
  std::atomic<long> lost{0};
  std::thread clock_mover([&] {
    while (!done) {
      store.clock().advance(milliseconds(1));
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  });
  std::thread sweeper_caller([&] {
    while (!done) store.store().sweep_now();
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::minstd_rand random(w);
      for (long i = 0; !done; ++i) {
        const std::string key =
            "w" + std::to_string(w) + "-" + std::to_string(random() % kKeysPerWriter);
        const std::string value = std::to_string(i);
        const TimePoint written = store.clock().now();
        region.set(key, value);
        region.set("garbage-" + std::to_string(w) + "-" + value, value);
        const std::optional<std::string> read = region.find(key);
        if (store.clock().now() < written + kShortExpiry) {
          ++checked;
          if (read != value) ++lost;
        }
      }
    });
  }
  // The stress lasts a second, and until the sweepers have removed records
  // and the writers have checked values, however slow the machine.
  const auto minimum_end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  const bool exercised = eventually(
      [&] {
        return std::chrono::steady_clock::now() >= minimum_end && checked >= 100 &&
               store.store().sweep_stats().records_swept >= 100;
      },
      std::chrono::seconds(120));
  done = true;
  for (auto& writer : writers) writer.join();
  sweeper_caller.join();
  clock_mover.join();

  EXPECT_EQ(lost, 0) << "of " << checked << " values read back before their expiry";
  EXPECT_TRUE(exercised) << checked << " values checked, "
                         << store.store().sweep_stats().records_swept << " records swept";
  EXPECT_EQ(store.store().sweep_stats().errors, 0u);
}

INSTANTIATE_TEST_SUITE_P(BuiltInStores, SweeperWithWritersTest,
                         ::testing::Values("rocksdb", "memory"),
                         [](const auto& info) { return info.param; });

// ---- closing -----------------------------------------------------------------

TEST(SweeperCloseTest, StoreClosedMidSweepReopensIntact) {
  constexpr int kExpired = 20'000;
  constexpr int kLive = 100;
  ManualStore store;
  Region& region = store.store().region("tokens");
  region.configure(expiring("rocksdb", {"keep"}));
  // Small batches: set_multi holds one stripe per key, and ThreadSanitizer
  // tracks at most 64 locks held by one thread.
  constexpr int kBatch = 50;
  for (int batch = 0; batch < kExpired / kBatch; ++batch) {
    std::map<std::string, std::string> items;
    for (int i = 0; i < kBatch; ++i)
      items["expired-" + std::to_string(batch * kBatch + i)] = "old";
    region.set_multi(items);
  }
  region.set("keep", "kept");
  store.clock().advance(kExpireTime);
  for (int i = 0; i < kLive; ++i) region.set("live-" + std::to_string(i), "fresh");

  store.reopen(ManualStore::options_for(std::chrono::hours(1)));  // sweeps at once
  ASSERT_TRUE(eventually([&] { return store.store().sweep_stats().records_swept > 0; }));
  EXPECT_LT(time_to_close(store), milliseconds(1000));

  store.reopen();
  Region& reopened = store.store().region("tokens");
  reopened.configure(expiring("rocksdb", {"keep"}));
  store.store().sweep_now();  // whatever the interrupted pass left
  EXPECT_EQ(raw_keys(store.store(), "tokens").size(),
            static_cast<std::size_t>(kLive + 1));
  EXPECT_EQ(reopened.get("keep"), "kept");
  for (int i = 0; i < kLive; ++i)
    EXPECT_EQ(reopened.find("live-" + std::to_string(i)), "fresh") << i;
}

}  // namespace
}  // namespace regionkv::testing
