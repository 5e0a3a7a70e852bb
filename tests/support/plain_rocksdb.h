// A RocksDB database that is not a regionkv store, for the tests of what
// the store and its tools do when handed someone else's database.
#pragma once

#include <rocksdb/db.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace regionkv::testing {

// Opens (creating it if missing) a database at `path` with RocksDB's default
// options. Throws std::runtime_error, which fails the calling test, if
// RocksDB cannot.
inline std::unique_ptr<rocksdb::DB> open_plain_rocksdb(const std::filesystem::path& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path.string(), &raw);
  if (!status.ok()) throw std::runtime_error("open " + path.string() + ": " + status.ToString());
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace regionkv::testing
