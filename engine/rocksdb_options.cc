#include "engine/rocksdb_options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "engine/no_space_recovery.h"
#include "engine/owner_only_files.h"
#include "engine/rocksdb_logger.h"

namespace regionkv::engine {
namespace {

std::atomic<rocksdb::Env*> test_store_env{nullptr};

}  // namespace

void TEST_set_store_env(rocksdb::Env* env) { test_store_env = env; }

void validate_store_options(const StoreOptions& options) {
  if (options.block_cache_bytes == 0)
    throw std::invalid_argument("StoreOptions::block_cache_bytes must be > 0");
  if (options.memtable_budget_bytes < (std::size_t{1} << 20))
    throw std::invalid_argument("StoreOptions::memtable_budget_bytes must be >= 1 MiB, not " +
                                std::to_string(options.memtable_budget_bytes));
  if (options.bloom_bits_per_key < 0 || options.bloom_bits_per_key > 32)
    throw std::invalid_argument("StoreOptions::bloom_bits_per_key must be 0..32, not " +
                                std::to_string(options.bloom_bits_per_key));
}

std::uint64_t effective_max_wal_bytes(const StoreOptions& options) {
  // The budget: a region flushes itself at half of it, so only log files
  // kept by other regions' older writes take the log past it.
  return options.max_wal_bytes != 0 ? options.max_wal_bytes
                                    : std::uint64_t{options.memtable_budget_bytes};
}

std::size_t memtable_bytes_per_region(std::size_t memtable_budget_bytes) {
  return memtable_budget_bytes / 2;
}

StoreRocksDBOptions store_rocksdb_options(const StoreOptions& options,
                                          std::function<void(std::string_view)> log) {
  StoreRocksDBOptions result;
  result.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Not charged to the block cache: the two bounds are the user's to set
  // apart, and memtables would otherwise evict the index and filter blocks.
  result.write_buffers =
      std::make_shared<rocksdb::WriteBufferManager>(options.memtable_budget_bytes);

  rocksdb::DBOptions& db = result.db;
  db.create_if_missing = options.create_if_missing;
  db.create_missing_column_families = false;
  // Files mode 0600, directories 0700 (engine/owner_only_files.h).
  rocksdb::Env* const test_env = test_store_env;
  db.env = test_env != nullptr ? test_env : owner_only_env();
  // The store resumes from a full disk on its write path, not on RocksDB's
  // recovery thread (engine/no_space_recovery.h).
  db.listeners.push_back(no_space_listener());
  // Keep RocksDB's own log out of the store directory (engine/rocksdb_logger.h).
  db.info_log = make_rocksdb_logger(std::move(log));
  // A torn last record (a crash mid-write) is dropped; damage anywhere else
  // in the WAL fails the open with Corruption instead of silently dropping
  // the intact, acknowledged writes after it, as kPointInTimeRecovery would
  // (docs/reliability.md).
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Every closed log file is synced (RocksDB does so before a flush when a
  // database has several column families, as every store does) and its size
  // recorded in the MANIFEST, so an older log file that is missing or shorter
  // than recorded fails the open instead of leaving holes among acknowledged
  // writes. Only the live, newest log can end torn (docs/reliability.md).
  db.track_and_verify_wals_in_manifest = true;
  // One memtable budget for every column family: however many regions,
  // memtables stay within it (the largest is flushed as it fills).
  db.write_buffer_manager = result.write_buffers;
  // RocksDB's default (0) lets the log grow to 4 × the sum of every column
  // family's write buffers, a bound that grows with each region, and a
  // region written once keeps every log file since alive until then.
  db.max_total_wal_size = effective_max_wal_bytes(options);
  // Counters only (block cache hits and misses for StoreStats): RocksDB keeps
  // them per core, so they cost no shared write; no timers or histograms.
  db.statistics = rocksdb::CreateDBStatistics();
  db.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = result.block_cache;
  // Index and filter blocks are charged to the shared cache rather than
  // kept in each open table file's memory, uncounted.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  if (options.pin_index_and_filter_blocks) {
    // Whole index and filter blocks, pinned while their file lives: a read
    // uses them without a cache lookup (a lookup per read and file costs a
    // miss about a third of its time).
    table.metadata_cache_options.unpartitioned_pinning = rocksdb::PinningTier::kAll;
  } else {
    // Evictable, so partitioned: blocks of 4 KiB under a small pinned
    // top-level index, since whole blocks of a large file (about 1 MiB)
    // would be evicted and read again at every lookup.
    table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    table.partition_filters = true;
    table.metadata_block_size = 4096;
    table.metadata_cache_options.top_level_index_pinning = rocksdb::PinningTier::kAll;
    table.metadata_cache_options.partition_pinning = rocksdb::PinningTier::kFlushedAndSimilar;
  }
  if (options.bloom_bits_per_key > 0) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key));
    table.whole_key_filtering = true;
  }
  rocksdb::ColumnFamilyOptions& family = result.family;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  family.write_buffer_size = memtable_bytes_per_region(options.memtable_budget_bytes);
  // A memtable takes its memory in arena blocks, each charged to the shared
  // budget from the first write. RocksDB's default block (an eighth of the
  // write buffer, up to 1 MiB) let about 60 barely-written regions fill a
  // 64 MiB budget, after which every new region's first write flushed
  // another; 64 KiB blocks let 1,000 such regions fit in it.
  family.arena_block_size = kMemtableArenaBlockBytes;

  result.write.sync = options.durability == Durability::kPowerLoss;
  result.write.disableWAL = false;
  return result;
}

}  // namespace regionkv::engine
