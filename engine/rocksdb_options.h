// The RocksDB options a regionkv store opens with, in one place: the Engine
// uses them, and so do the benchmarks' raw-RocksDB floors and peers, so that
// a comparison measures regionkv's own work and nothing else.
#ifndef REGIONKV_ENGINE_ROCKSDB_OPTIONS_H_
#define REGIONKV_ENGINE_ROCKSDB_OPTIONS_H_

#include <rocksdb/options.h>

#include "regionkv/store_options.h"

namespace regionkv::engine {

// Database-wide options for a store opened with `options`.
rocksdb::DBOptions store_db_options(const StoreOptions& options);
// Options of every column family (the default one and one per region).
rocksdb::ColumnFamilyOptions store_column_family_options();
// Every write of the store: WAL on; fsynced under Durability::kPowerLoss.
rocksdb::WriteOptions store_write_options(Durability durability);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_ROCKSDB_OPTIONS_H_
