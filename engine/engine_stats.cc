// Engine::stats: the RocksDB figures of StoreStats, from the database's
// properties and its statistics object.
#include <rocksdb/statistics.h>

#include "engine/engine.h"

#include <system_error>

namespace regionkv::engine {
namespace {

std::uint64_t property(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                       const std::string& name) {
  std::uint64_t value = 0;
  return db.GetIntProperty(family, name, &value) ? value : 0;
}

}  // namespace

EngineStats Engine::stats() {
  const ColumnFamilyUse use(*this);
  std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>> regions;
  {
    std::lock_guard lock(families_mutex_);
    for (const auto& [name, family] : families_) regions.emplace_back(name, family.handle);
  }
  return collect_engine_stats(*db_, regions, directory_);
}

EngineStats collect_engine_stats(
    rocksdb::DB& db,
    const std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>>& regions,
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

  std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>> families{{"", any}};
  families.insert(families.end(), regions.begin(), regions.end());
  for (const auto& [name, handle] : families) {
    EngineStats::Region region{
        name, property(db, handle, Properties::kCurSizeAllMemTables),
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

}  // namespace regionkv::engine
