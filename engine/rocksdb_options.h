// The RocksDB options a regionkv store opens with, in one place: the Engine
// uses them, and so do the benchmarks' raw-RocksDB floors, so that a
// comparison measures regionkv's own work and nothing else.
#ifndef REGIONKV_ENGINE_ROCKSDB_OPTIONS_H_
#define REGIONKV_ENGINE_ROCKSDB_OPTIONS_H_

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/write_buffer_manager.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "regionkv/store_options.h"

namespace regionkv::engine {

// Everything one store opens its database with. The options hold the block
// cache and the write buffer manager that all its column families share:
// keep this object (or copies of the options) alive until the database is
// closed. Not thread-safe to change; copies are independent values that
// share the cache and the write buffer manager.
struct StoreRocksDBOptions {
  rocksdb::DBOptions db;
  // Every column family's: the default one and one per region.
  rocksdb::ColumnFamilyOptions family;
  // Every write of the store: WAL on; fsynced under Durability::kPowerLoss.
  rocksdb::WriteOptions write;
  std::shared_ptr<rocksdb::Cache> block_cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
};

// Throws std::invalid_argument if a bound in `options` is out of range
// (include/regionkv/store_options.h gives each range).
void validate_store_options(const StoreOptions& options);

// The options of a store opened with `options`: a new block cache and
// write buffer manager, sized by it. RocksDB's error messages go to
// `log` (null: stderr). REQUIRES: validate_store_options(options) passed.
StoreRocksDBOptions store_rocksdb_options(
    const StoreOptions& options,
    std::function<void(std::string_view)> log = nullptr);

// Tests only: stores opened while `env` is set use it instead of
// owner_only_env(), so that a test can put a file system of its own under
// the store (tests/faults/disk_full_test.cc reports a full disk). `env`
// must outlive those stores; nullptr restores the default. Not for use
// while another thread opens a store.
void TEST_set_store_env(rocksdb::Env* env);

// RocksDB's max_total_wal_size for `options` (max_wal_bytes, or its default).
std::uint64_t effective_max_wal_bytes(const StoreOptions& options);

// A column family's memtable size for a budget: half of it, so that one
// busy region's mutable memtable and the one being flushed fit in it.
std::size_t memtable_bytes_per_region(std::size_t memtable_budget_bytes);

// The memtable arena block: the least memory of the budget a written region
// holds until it is flushed.
inline constexpr std::size_t kMemtableArenaBlockBytes = std::size_t{64} << 10;

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_ROCKSDB_OPTIONS_H_
