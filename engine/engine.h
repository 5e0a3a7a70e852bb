// The RocksDB database behind a Store: opening and validating the directory,
// one column family per region (created on first use, all reopened at open),
// the default column family for store metadata, and the durability mapping.
#ifndef REGIONKV_ENGINE_ENGINE_H_
#define REGIONKV_ENGINE_ENGINE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/striped_mutex.h"
#include "engine/commit_pipeline.h"
#include "engine/no_expiry_keys.h"
#include "engine/no_space_recovery.h"
#include "engine/rocksdb_options.h"
#include "engine/store_directory.h"
#include "engine/store_lock.h"
#include "regionkv/store_options.h"

namespace regionkv::engine {

// Keys of the default column family. Region names may not be "default", so
// the default column family is free for the store's own metadata.
inline constexpr std::string_view kFormatMarkerKey = "regionkv.format";
inline constexpr std::string_view kFormatMarkerValue = "1";

// Thread-safe.
class Engine {
 public:
  // Throws StorageError (see Store::open for the cases).
  static std::unique_ptr<Engine> open(const std::filesystem::path& dir,
                                      const StoreOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  rocksdb::DB& db() { return *db_; }
  // The region's column family, created if missing.
  rocksdb::ColumnFamilyHandle* column_family(const std::string& region);
  // nullptr if the region has no column family.
  rocksdb::ColumnFamilyHandle* find_column_family(const std::string& region) const;
  // Per region: the mutexes that make a read-check-write on one of its keys
  // atomic in this process (locks, locked writes, erase, the sweeper).
  // Created with the column family.
  using KeyLocks = common::StripedMutex<1024>;
  KeyLocks& key_locks(const std::string& region);
  // The region's hashed no-expiry keys as the sweeper and the compaction
  // filter see them (engine/no_expiry_keys.h). Created with the column family.
  NoExpiryKeys& no_expiry_keys(const std::string& region);

  // Every region's column family, by name (the default one excluded). The
  // handles are valid while the caller holds a ColumnFamilyUse.
  using NamedColumnFamilies = std::vector<std::pair<std::string, rocksdb::ColumnFamilyHandle*>>;
  NamedColumnFamilies column_families() const;
  const std::filesystem::path& directory() const { return directory_; }

  // Sorted region names (the default column family excluded).
  std::vector<std::string> region_names() const;

  // Drops the region's column family, which deletes its files once no
  // reader holds them, and its persisted no-expiry keys. Its reserved
  // fencing bound stays, so that a region created again under the name
  // continues its tokens. Waits for column family users (use_column_families)
  // to finish. Throws std::invalid_argument if the region has no column
  // family, StorageError if RocksDB fails (then nothing changed).
  // REQUIRES: nothing in this process holds the region's handle, key locks
  // or no-expiry keys (no Region of the Store is configured for it).
  void drop_region(const std::string& region);

  // Held (shared) while a column family handle is used by something that
  // does not own the region: a sweep step, stats. drop_region holds it
  // exclusively, so no handle is destroyed under a reader; while a drop
  // waits, no new reader enters.
  class ColumnFamilyUse {
   public:
    explicit ColumnFamilyUse(const Engine& engine);

   private:
    std::shared_lock<std::shared_mutex> use_;
  };

  // A consistent copy of the whole store in the new directory `dir`, while
  // writers run (engine/backup.h). Throws StorageError.
  void backup(const std::filesystem::path& dir);

  // Durable per StoreOptions::durability; throws StorageError. Under
  // kPowerLoss, concurrent writes share one fsync (engine/commit_pipeline.h).
  // A write that finds the database stopped by a full disk resumes it and,
  // if that succeeds, writes (engine/no_space_recovery.h); one that fails
  // on a full disk says so and has stored nothing.
  void write(rocksdb::WriteBatch& batch);
  // One write with `options`, outside the commit pipeline (the sweeper's
  // unsynced deletes, the store's metadata); resumes after a full disk as
  // write() does. Throws StorageError carrying `what`.
  void write(rocksdb::WriteBatch& batch, const rocksdb::WriteOptions& options,
             std::string_view what);
  NoSpaceRecovery::Stats no_space_recovery_stats() const { return no_space_recovery_.stats(); }
  // Null unless the durability is kPowerLoss.
  const CommitPipeline* commit_pipeline() const { return pipeline_.get(); }

  // The store's own metadata, in the default column family (docs/format.md):
  // nullopt if `key` is absent. Throws StorageError.
  std::optional<std::string> read_metadata(std::string_view key);
  // Written fsynced, whatever the store's durability. Throws StorageError.
  void write_metadata_durably(std::string_view key, std::string_view value);
  const rocksdb::WriteOptions& write_options() const { return options_.write; }
  // The RocksDB options the store was opened with, which hold the block
  // cache and the memtable budget every column family shares.
  const StoreRocksDBOptions& rocksdb_options() const { return options_; }

 private:
  Engine() = default;
  // open() once the directory is classified and locked.
  static std::unique_ptr<Engine> open_locked(const std::filesystem::path& dir,
                                             const StoreOptions& options,
                                             const StoreDirectory& found);
  void close();
  // No region and no metadata: a store whose creation never finished.
  bool is_blank();
  // OK if a write that failed with `failure` may be written again: the
  // database resumed after a full disk (engine/no_space_recovery.h).
  // Otherwise the status to fail it with.
  rocksdb::Status resume_after(const rocksdb::Status& failure);

  // Declared first, so released last: after RocksDB has closed the database
  // (engine/store_lock.h).
  std::unique_ptr<StoreLock> lock_;
  // Declared before db_: the shared block cache and write buffer manager it
  // holds outlive the database and every column family.
  StoreRocksDBOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  // kPowerLoss only; drained before db_ closes.
  std::unique_ptr<CommitPipeline> pipeline_;
  NoSpaceRecovery no_space_recovery_;
  struct Family {
    rocksdb::ColumnFamilyHandle* handle = nullptr;
    std::unique_ptr<KeyLocks> key_locks = std::make_unique<KeyLocks>();
  };
  Family& family(const std::string& region);  // REQUIRES: families_mutex_ held
  // options_.family plus the region's expiry compaction filter.
  // REQUIRES: families_mutex_ held (or open() running).
  rocksdb::ColumnFamilyOptions region_family_options(const std::string& region);

  // ColumnFamilyUse: shared by users, exclusive for a drop; a drop holds
  // drop_gate_ while it waits, which new users pass through first.
  mutable std::mutex drop_gate_;
  mutable std::shared_mutex column_families_in_use_;
  mutable std::mutex families_mutex_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by families_mutex_
  // Per region, from before its column family opens (its compaction filter
  // holds it); guarded by families_mutex_.
  std::map<std::string, std::shared_ptr<NoExpiryKeys>, std::less<>> no_expiry_keys_;
  std::shared_ptr<const TimeSource> clock_;  // the store's; for the filter
  std::filesystem::path directory_;
  std::function<void(std::string_view)> log_;  // StoreOptions::log
};

// Throws StorageError carrying `what` and the status, unless it is ok().
void check_status(const rocksdb::Status& status, std::string_view what);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_ENGINE_H_
