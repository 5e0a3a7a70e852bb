#include "region/engine_stats.h"

#include <rocksdb/statistics.h>

#include <system_error>

namespace regionkv {
namespace {

std::uint64_t property(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                       const std::string& name) {
  std::uint64_t value = 0;
  return db.GetIntProperty(family, name, &value) ? value : 0;
}

}  // namespace

EngineStats engine_stats(engine::Engine& engine) {
  const engine::Engine::ColumnFamilyUse use(engine);
  return collect_engine_stats(engine.db(), engine.column_families(), engine.directory());
}

EngineStats collect_engine_stats(rocksdb::DB& db,
                                 const engine::Engine::NamedColumnFamilies& regions,
                                 const std::filesystem::path& directory) {
  using Properties = rocksdb::DB::Properties;
  EngineStats stats;
  rocksdb::ColumnFamilyHandle* any = db.DefaultColumnFamily();
  stats.block_cache_bytes = property(db, any, Properties::kBlockCacheUsage);
  stats.block_cache_capacity = property(db, any, Properties::kBlockCacheCapacity);
  if (const auto statistics = db.GetDBOptions().statistics) {
    stats.block_cache_hits = statistics->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
    stats.block_cache_misses = statistics->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  }

  engine::Engine::NamedColumnFamilies families{{"", any}};
  families.insert(families.end(), regions.begin(), regions.end());
  for (const auto& [name, handle] : families) {
    EngineStats::Region region{name, property(db, handle, Properties::kCurSizeAllMemTables),
                               property(db, handle, Properties::kTotalSstFilesSize),
                               property(db, handle, Properties::kEstimatePendingCompactionBytes),
                               property(db, handle, Properties::kEstimateNumKeys)};
    stats.memtable_bytes += region.memtable_bytes;
    stats.sst_bytes += region.sst_bytes;
    stats.pending_compaction_bytes += region.pending_compaction_bytes;
    if (!name.empty()) stats.regions.push_back(std::move(region));  // not the metadata
  }

  // The log files in the store directory, which a secondary instance (that
  // keeps logs of its own elsewhere) sees as the primary does.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() != ".log") continue;
    std::error_code size_error;
    const auto size = entry.file_size(size_error);
    if (!size_error) stats.wal_bytes += size;
  }
  return stats;
}

}  // namespace regionkv
