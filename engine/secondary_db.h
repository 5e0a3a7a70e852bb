// A read-only view of a store that another process may hold open: the store's
// RocksDB database opened as a secondary instance, with every column family.
// Used by inspect_store (include/regionkv/inspect.h).
#ifndef REGIONKV_ENGINE_SECONDARY_DB_H_
#define REGIONKV_ENGINE_SECONDARY_DB_H_

#include <rocksdb/db.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace regionkv::engine {

// Not thread-safe: one thread uses a SecondaryDb (RocksDB reads themselves
// are thread-safe, but nothing here needs them to be).
class SecondaryDb {
 public:
  // Opens the store in `store_dir` as it is now: the secondary replays the
  // primary's write-ahead log, so every write acknowledged before this call
  // is visible. Nothing is written under `store_dir`; the secondary's own
  // files go to a fresh scratch directory (engine/scratch_dir.h), removed by
  // the destructor (or before a throw).
  // Throws NotAStore, StorageError or Corruption (inspect_store's contract).
  static std::unique_ptr<SecondaryDb> open(const std::filesystem::path& store_dir);

  SecondaryDb(const SecondaryDb&) = delete;
  SecondaryDb& operator=(const SecondaryDb&) = delete;
  ~SecondaryDb();

  rocksdb::DB& db() { return *db_; }
  // Sorted region names (every column family but "default").
  std::vector<std::string> region_names() const;
  // The region's column family; nullptr if the store has no such region.
  rocksdb::ColumnFamilyHandle* family(const std::string& region) const;

 private:
  SecondaryDb() = default;

  std::filesystem::path scratch_dir_;  // removed after db_ is closed
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> families_;
};

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_SECONDARY_DB_H_
