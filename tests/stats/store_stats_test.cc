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

// Every region shares one block cache and one memtable budget: the cache is
// reported once, not once per column family, and the memtables' total stays
// within the budget the regions share.
TEST(StoreStatsTest, SharedCacheAndMemtableBudgetReportedOnceForAllRegions) {
  TempDir dir;
  StoreOptions options;
  options.block_cache_bytes = std::size_t{1} << 20;
  options.memtable_budget_bytes = std::size_t{2} << 20;
  options.sweep_interval = milliseconds(0);
  auto store = Store::open(dir.sub("store"), options);
  engine::Engine& engine = StoreInternals::engine(*store);
  const std::string value(1000, 'v');
  for (int r = 0; r < 5; ++r) {
    const std::string name = "region-" + std::to_string(r);
    Region& region = store->region(name);
    region.configure({});
    for (int i = 0; i < 2000; ++i) region.set("key-" + std::to_string(i), value);
    ASSERT_TRUE(engine.db().Flush(rocksdb::FlushOptions(), engine.find_column_family(name)).ok());
    for (int i = 0; i < 2000; ++i) region.get("key-" + std::to_string(i));
    for (int i = 0; i < 100; ++i) region.set("more-" + std::to_string(i), value);
  }

  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.engine.block_cache_capacity, options.block_cache_bytes);
  EXPECT_GT(stats.engine.block_cache_bytes, options.block_cache_bytes / 2) << "reads filled it";
  EXPECT_LE(stats.engine.block_cache_bytes, options.block_cache_bytes);
  ASSERT_EQ(stats.engine.regions.size(), 5u);
  std::uint64_t region_memtables = 0;
  for (const auto& region : stats.engine.regions) region_memtables += region.memtable_bytes;
  EXPECT_GT(region_memtables, 100'000u) << "at least the last region's unflushed writes";
  EXPECT_GE(stats.engine.memtable_bytes, region_memtables);
  EXPECT_LE(stats.engine.memtable_bytes, 2 * options.memtable_budget_bytes)
      << "the budget, and at most one memtable each being flushed";
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
