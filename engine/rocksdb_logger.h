// Where RocksDB's own log messages go: errors to the store's log callback
// (StoreOptions::log; stderr without one), the rest dropped.
//
// RocksDB's default logger writes a LOG file into the store directory. On a
// full disk that file fails too, and Debian's RocksDB (built with assertions)
// aborts the process when it logs the write error to the failed file. Keeping
// the log out of the store directory makes a full disk a StorageError
// instead of a crash.
#ifndef REGIONKV_ENGINE_ROCKSDB_LOGGER_H_
#define REGIONKV_ENGINE_ROCKSDB_LOGGER_H_

#include <rocksdb/env.h>

#include <functional>
#include <memory>
#include <string_view>

namespace regionkv::engine {

// Each error (each message at `level` or above) becomes one line
// "rocksdb: <message>" passed to `log`, from whichever RocksDB thread reports
// it; null: the line goes to stderr.
std::shared_ptr<rocksdb::Logger> make_rocksdb_logger(
    std::function<void(std::string_view)> log = nullptr,
    rocksdb::InfoLogLevel level = rocksdb::InfoLogLevel::ERROR_LEVEL);

// Passes `message` to `log`, or writes it to stderr as one line prefixed
// "regionkv: " if `log` is null.
void report(const std::function<void(std::string_view)>& log, std::string_view message);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_ROCKSDB_LOGGER_H_
