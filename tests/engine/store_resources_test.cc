// What a store's regions share, and the bounds StoreOptions sets: one block
// cache, one memtable budget, a write-ahead log that idle regions do not
// keep alive, Bloom filters in every table file.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/table_properties.h>

#include <filesystem>
#include <string>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using testing::eventually;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr std::size_t kMiB = std::size_t{1} << 20;

StoreOptions small_store() {
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  options.block_cache_bytes = 8 * kMiB;
  options.memtable_budget_bytes = 2 * kMiB;
  return options;
}

std::uint64_t wal_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".log") total += entry.file_size();
  return total;
}

void flush(engine::Engine& engine, const std::string& region) {
  ASSERT_TRUE(engine.db().Flush(rocksdb::FlushOptions(), engine.column_family(region)).ok());
}

TEST(StoreResourcesTest, EveryRegionSharesOneBlockCacheAndOneMemtableBudget) {
  TempDir dir;
  auto store = Store::open(dir.sub("s"), small_store());
  auto& engine = StoreInternals::engine(*store);
  for (int i = 0; i < 20; ++i) store->region("r" + std::to_string(i)).configure({});

  const auto& shared = engine.rocksdb_options();
  EXPECT_EQ(shared.block_cache->GetCapacity(), 8 * kMiB);
  EXPECT_EQ(shared.write_buffers->buffer_size(), 2 * kMiB);
  EXPECT_EQ(engine.db().GetDBOptions().write_buffer_manager.get(), shared.write_buffers.get());
  for (int i = 0; i < 20; ++i) {
    const rocksdb::Options family =
        engine.db().GetOptions(engine.column_family("r" + std::to_string(i)));
    const auto* table = family.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->block_cache.get(), shared.block_cache.get());
    EXPECT_EQ(family.write_buffer_size, 1 * kMiB);  // half the budget
  }
}

TEST(StoreResourcesTest, MemtablesOfManyRegionsStayWithinTheBudget) {
  TempDir dir;
  auto store = Store::open(dir.sub("s"), small_store());
  const std::string value(1000, 'v');
  for (int r = 0; r < 40; ++r) {
    Region& region = store->region("r" + std::to_string(r));
    region.configure({});
    for (int i = 0; i < 250; ++i) region.set("k" + std::to_string(i), value);
  }
  // 10 MB written across 40 regions: without a shared budget each region's
  // memtable would keep its 250 KB (64 MiB each before flushing).
  const auto& budget = *StoreInternals::engine(*store).rocksdb_options().write_buffers;
  EXPECT_TRUE(eventually([&] { return budget.memory_usage() <= 2 * kMiB; }))
      << budget.memory_usage();
  for (int r = 0; r < 40; ++r)
    EXPECT_EQ(store->region("r" + std::to_string(r)).get("k249"), value);
}

std::size_t table_files(const fs::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) count += entry.path().extension() == ".sst";
  return count;
}

TEST(StoreResourcesTest, ManyBarelyWrittenRegionsFitTheBudgetWithoutFlushing) {
  TempDir dir;
  StoreOptions options = small_store();
  options.memtable_budget_bytes = 8 * kMiB;
  auto store = Store::open(dir.sub("s"), options);
  const std::string value(100, 'v');
  // 60 regions of 4 KB each: past the arena's inline block, so each holds
  // one arena block of the budget. With RocksDB's default (1 MiB here) the
  // eighth region would fill it and force flushes from then on.
  for (int r = 0; r < 60; ++r) {
    Region& region = store->region("r" + std::to_string(r));
    region.configure({});
    for (int i = 0; i < 40; ++i) region.set("k" + std::to_string(i), value);
  }
  EXPECT_EQ(table_files(dir.sub("s")), 0u);
  const auto& budget = *StoreInternals::engine(*store).rocksdb_options().write_buffers;
  EXPECT_LE(budget.memory_usage(), 60 * (engine::kMemtableArenaBlockBytes + 8 * 1024));
}

TEST(StoreResourcesTest, AnIdleRegionDoesNotKeepTheWriteAheadLog) {
  TempDir dir;
  StoreOptions options = small_store();
  // The busy region's memtable could take 32 MiB and the budget is never
  // reached, so only the log bound makes RocksDB flush the idle region.
  options.memtable_budget_bytes = 64 * kMiB;
  options.max_wal_bytes = 4 * kMiB;
  auto store = Store::open(dir.sub("s"), options);
  Region& idle = store->region("idle");
  idle.configure({});
  idle.set("once", "written once, then left alone");
  Region& busy = store->region("busy");
  busy.configure({});
  const std::string value(1000, 'b');
  for (int i = 0; i < 40000; ++i) busy.set("k" + std::to_string(i % 500), value);

  // 40 MB went through the log. Flushing the regions that hold its oldest
  // file (the idle one, and the default column family, which holds the
  // store's metadata) lets RocksDB delete it; unbounded, every file since
  // "once" would stay.
  EXPECT_TRUE(eventually([&] { return wal_bytes(dir.sub("s")) <= 8 * kMiB; }))
      << wal_bytes(dir.sub("s"));
  EXPECT_EQ(idle.get("once"), "written once, then left alone");
  store.reset();
  store = Store::open(dir.sub("s"), options);
  store->region("idle").configure({});
  EXPECT_EQ(store->region("idle").get("once"), "written once, then left alone");
}

TEST(StoreResourcesTest, TableFilesCarryWholeKeyBloomFilters) {
  for (int bits : {10, 0}) {
    SCOPED_TRACE("bloom_bits_per_key " + std::to_string(bits));
    TempDir dir;
    StoreOptions options = small_store();
    options.bloom_bits_per_key = bits;
    auto store = Store::open(dir.sub("s"), options);
    Region& region = store->region("r");
    region.configure({});
    for (int i = 0; i < 1000; ++i) region.set("k" + std::to_string(i), "v");
    auto& engine = StoreInternals::engine(*store);
    flush(engine, "r");
    rocksdb::TablePropertiesCollection tables;
    ASSERT_TRUE(engine.db().GetPropertiesOfAllTables(engine.column_family("r"), &tables).ok());
    ASSERT_FALSE(tables.empty());
    for (const auto& [file, properties] : tables) {
      if (bits > 0) {
        EXPECT_GT(properties->filter_size, 1000u * bits / 8 / 2) << file;
        EXPECT_EQ(properties->filter_policy_name, "bloomfilter")
            << properties->filter_policy_name;
      } else {
        EXPECT_EQ(properties->filter_size, 0u) << file;
      }
    }
    EXPECT_FALSE(region.find("absent"));
    EXPECT_EQ(region.get("k999"), "v");
  }
}

TEST(StoreResourcesTest, ChangingEveryBoundBetweenOpensKeepsEveryValue) {
  TempDir dir;
  StoreOptions first = small_store();
  StoreOptions second = small_store();
  second.bloom_bits_per_key = 0;
  second.pin_index_and_filter_blocks = false;
  second.block_cache_bytes = 1 * kMiB;
  second.memtable_budget_bytes = 1 * kMiB;
  second.max_wal_bytes = 1 * kMiB;
  int written = 0;
  for (const StoreOptions& options : {first, second, first}) {
    auto store = Store::open(dir.sub("s"), options);
    Region& region = store->region("r");
    region.configure({});
    for (int i = 0; i < written; ++i)
      ASSERT_EQ(region.get("k" + std::to_string(i)), "v" + std::to_string(i));
    for (int i = written; i < written + 2000; ++i)
      region.set("k" + std::to_string(i), "v" + std::to_string(i));
    written += 2000;
    flush(StoreInternals::engine(*store), "r");
    EXPECT_FALSE(region.find("absent"));
  }
}

TEST(StoreResourcesTest, OutOfRangeBoundIsInvalidArgumentAndCreatesNothing) {
  TempDir dir;
  auto with = [](auto change) {
    StoreOptions options;
    change(options);
    return options;
  };
  for (const StoreOptions& options :
       {with([](StoreOptions& o) { o.block_cache_bytes = 0; }),
        with([](StoreOptions& o) { o.memtable_budget_bytes = kMiB - 1; }),
        with([](StoreOptions& o) { o.bloom_bits_per_key = -1; }),
        with([](StoreOptions& o) { o.bloom_bits_per_key = 33; })}) {
    EXPECT_THROW(Store::open(dir.sub("s"), options), std::invalid_argument);
    EXPECT_FALSE(fs::exists(dir.sub("s")));
  }
}

}  // namespace
}  // namespace regionkv
