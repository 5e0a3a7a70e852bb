// Where RocksDB's own log messages go: errors to stderr, the rest dropped.
//
// RocksDB's default logger writes a LOG file into the store directory. On a
// full disk that file fails too, and Debian's RocksDB (built with assertions)
// aborts the process when it logs the write error to the failed file. Keeping
// the log out of the store directory makes a full disk a StorageError
// instead of a crash.
#ifndef REGIONKV_ENGINE_ROCKSDB_LOGGER_H_
#define REGIONKV_ENGINE_ROCKSDB_LOGGER_H_

#include <rocksdb/env.h>

#include <memory>

namespace regionkv::engine {

std::shared_ptr<rocksdb::Logger> make_rocksdb_logger();

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_ROCKSDB_LOGGER_H_
