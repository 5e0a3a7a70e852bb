#include "engine/rocksdb_options.h"

#include <rocksdb/statistics.h>

#include "engine/rocksdb_logger.h"

namespace regionkv::engine {

rocksdb::DBOptions store_db_options(const StoreOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = false;
  // Keep RocksDB's own log out of the store directory (engine/rocksdb_logger.h).
  db_options.info_log = make_rocksdb_logger();
  // A torn last record (a crash mid-write) is dropped; damage anywhere else
  // in the WAL fails the open with Corruption instead of silently dropping
  // the intact, acknowledged writes after it, as kPointInTimeRecovery would
  // (docs/reliability.md).
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Counters only (block cache hits and misses for StoreStats): RocksDB keeps
  // them per core, so they cost no shared write; no timers or histograms.
  db_options.statistics = rocksdb::CreateDBStatistics();
  db_options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  return db_options;
}

rocksdb::ColumnFamilyOptions store_column_family_options() {
  return rocksdb::ColumnFamilyOptions();
}

rocksdb::WriteOptions store_write_options(Durability durability) {
  rocksdb::WriteOptions write_options;
  write_options.sync = durability == Durability::kPowerLoss;
  write_options.disableWAL = false;
  return write_options;
}

}  // namespace regionkv::engine
