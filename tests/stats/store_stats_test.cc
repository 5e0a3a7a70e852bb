// Store::stats: every region, the sweeper, and the RocksDB engine's figures.
#include <gtest/gtest.h>

#include <algorithm>

#include "region/store_internals.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

const RegionStats* find_region(const StoreStats& stats, const std::string& name) {
  auto it = std::find_if(stats.regions.begin(), stats.regions.end(),
                         [&](const RegionStats& r) { return r.name == name; });
  return it == stats.regions.end() ? nullptr : &*it;
}

TEST(StoreStatsTest, ListsConfiguredRegionsAndRocksDBRegionsOfEarlierRuns) {
  TempDir dir;
  {
    auto store = Store::open(dir.sub("store"));
    store->region("earlier").configure({});
    store->region("earlier").set("k", "v");
  }
  auto store = Store::open(dir.sub("store"));
  store->region("volatile").configure(RegionConfig{.backing_store = "memory"});
  store->region("volatile").set("k", "v");
  const StoreStats stats = store->stats();
  ASSERT_EQ(stats.regions.size(), 2u);
  EXPECT_EQ(stats.regions[0].name, "earlier");
  EXPECT_EQ(stats.regions[0].backing_store, "") << "not configured in this process";
  EXPECT_EQ(stats.regions[1].name, "volatile");
  EXPECT_EQ(stats.regions[1].writes, 1u);
}

TEST(StoreStatsTest, EngineFiguresFollowWritesFlushesAndReads) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"));
  Region& region = store->region("tokens");
  region.configure({});
  for (int i = 0; i < 1000; ++i) region.set("key-" + std::to_string(i), std::string(100, 'v'));

  StoreStats stats = store->stats();
  EXPECT_GT(stats.engine.memtable_bytes, 100'000u);
  EXPECT_GT(stats.engine.wal_bytes, 100'000u);
  EXPECT_GT(stats.engine.block_cache_capacity, 0u);
  ASSERT_EQ(stats.engine.regions.size(), 1u);
  EXPECT_EQ(stats.engine.regions[0].name, "tokens");

  engine::Engine& engine = StoreInternals::engine(*store);
  ASSERT_TRUE(engine.db().Flush(rocksdb::FlushOptions(),
                                engine.find_column_family("tokens")).ok());
  for (int i = 0; i < 1000; ++i) region.get("key-" + std::to_string(i));
  stats = store->stats();
  EXPECT_GT(stats.engine.sst_bytes, 10'000u);  // compressed
  EXPECT_EQ(stats.engine.sst_bytes, stats.engine.regions[0].sst_bytes);
  EXPECT_GE(stats.engine.regions[0].estimated_keys, 900u);
  EXPECT_GT(stats.engine.block_cache_hits + stats.engine.block_cache_misses, 0u);
  ASSERT_TRUE(stats.engine.block_cache_hit_rate().has_value());
}

TEST(StoreStatsTest, CarriesTheSweepersFigures) {
  StoreFixture fixture(StoreOptions{.sweep_interval = milliseconds(0)});
  Region& region = fixture.region("expiring");
  region.configure(RegionConfig{.expire_time = milliseconds(10)});
  region.set("k", "v");
  fixture.clock->advance(milliseconds(10));
  ASSERT_EQ(fixture.store->sweep_now(), 1u);
  const StoreStats stats = fixture.store->stats();
  EXPECT_EQ(stats.sweeper.records_swept, 1u);
  EXPECT_EQ(stats.sweeper.passes, 1u);
  EXPECT_EQ(stats.taken_at, fixture.clock->now());
  EXPECT_NE(find_region(stats, "expiring"), nullptr);
}

}  // namespace
}  // namespace regionkv::testing
