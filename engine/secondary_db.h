// A read-only view of a store that another process may hold open: the store's
// RocksDB database opened as a secondary instance, with every column family.
// Used by inspect_store (include/regionkv/inspect.h).
#ifndef REGIONKV_ENGINE_SECONDARY_DB_H_
#define REGIONKV_ENGINE_SECONDARY_DB_H_

#include <rocksdb/db.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "regionkv/errors.h"

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
  //
  // A secondary instance opens a store whose table file is missing, short or
  // unreadable without an error, as it was before that file was written:
  // check_store_opens() tells. It does fail on a damaged log record.
  // Throws NotAStore, StorageError or Corruption (inspect_store's contract).
  static std::unique_ptr<SecondaryDb> open(const std::filesystem::path& store_dir);

  // As open(), but when RocksDB reports damage (Corruption) while opening,
  // such as a bad write-ahead log record, opens the store read-only as it
  // was up to that damage (RocksDB's point-in-time recovery) and stores the
  // Corruption in `*damage`. Throws that Corruption if RocksDB cannot read
  // that far either (a later table file holds newer writes than the damaged
  // record, or the MANIFEST itself is damaged).
  static std::unique_ptr<SecondaryDb> open_up_to_damage(const std::filesystem::path& store_dir,
                                                        std::optional<Corruption>* damage);

  SecondaryDb(const SecondaryDb&) = delete;
  SecondaryDb& operator=(const SecondaryDb&) = delete;
  ~SecondaryDb();

  rocksdb::DB& db() { return *db_; }
  // Sorted region names (every column family but "default").
  std::vector<std::string> region_names() const;
  // The region's column family; nullptr if the store has no such region.
  rocksdb::ColumnFamilyHandle* family(const std::string& region) const;

  // How a scan of the store must read (see secondary_db.cc): checksums
  // verified, range deletions ignored.
  static rocksdb::ReadOptions scan_options();

  // Reads every block of every table file, of every column family, with its
  // checksum checked, then each whole table file against the checksum the
  // store recorded for it where it recorded one. Throws Corruption, or
  // StorageError for an I/O error.
  void verify_checksums();

 private:
  SecondaryDb() = default;
  void open_families(const std::filesystem::path& store_dir, bool up_to_damage);
  void check_format_marker(const std::filesystem::path& store_dir);

  std::filesystem::path store_dir_;
  // The directory holds the marker file: a missing format key is damage.
  bool marked_ = false;
  std::filesystem::path scratch_dir_;  // removed after db_ is closed
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> families_;
};

// Opens the store in `store_dir` read-only the way Store::open opens it (its
// options: every table file opened and checked against the MANIFEST, the
// write-ahead log replayed, damage in it other than a torn last record an
// error), then closes it. Works beside a process that holds the store open,
// and writes nothing. Throws the Corruption, or StorageError, that
// Store::open would report.
void check_store_opens(const std::filesystem::path& store_dir);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_SECONDARY_DB_H_
