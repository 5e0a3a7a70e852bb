// repair_store (include/regionkv/repair.h): the copy aside, RocksDB's
// RepairDB in place, the format marker, and a count of what came back.
//
// RepairDB in RocksDB 7.8 (db/repair.cc) puts every table file it can read
// at level 0, and replays every write-ahead log into new level-0 files. A log
// that one region keeps alive often holds records of another region flushed
// since; replayed, they give two level-0 files the same sequence numbers,
// which the version builder's consistency check refuses, and Debian's
// RocksDB, built with assertions, always runs it ("L0 file ... with seqno").
// So, before RepairDB:
//
//  1. The logs are replayed into table files the way Store::open replays
//     them, each region only from the log its MANIFEST says it still needs,
//     skipping bad records as RepairDB would (kSkipAnyCorruptedRecords). That
//     open reads no table file, but for the few RocksDB opens at recovery;
//     it needs a readable MANIFEST.
//  2. RepairDB then has table files only, or logs holding nothing twice.
//  3. If the logs could not be replayed first (the MANIFEST is unreadable)
//     and RepairDB fails on them, the directory is restored from the copy,
//     and RepairDB runs once more with the logs set aside: records only in a
//     log are then lost, and the report says so. If RepairDB fails on table
//     files alone (older ones whose sequence numbers enclose one another),
//     the directory is restored from the copy, and the repair fails.
//
// The store's LOCK, RocksDB's own file lock taken through its Env, is held
// while the store is copied, so that no process opens the store meanwhile
// and the copy is the store as it was. It is released before the steps
// that open the store, which take it themselves: a process that opens the
// store in between makes the next step fail.
#include "regionkv/repair.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <set>
#include <system_error>

#include "common/describe.h"
#include "engine/directory_copy.h"
#include "engine/engine.h"
#include "engine/fencing_reservation.h"
#include "engine/owner_only_files.h"
#include "engine/record.h"
#include "engine/rocksdb_logger.h"
#include "engine/rocksdb_options.h"
#include "regionkv/printable.h"

namespace regionkv {
namespace {

namespace fs = std::filesystem;
using engine::check_status;
using engine::StoreRocksDBOptions;

std::string prefix(const fs::path& dir) { return "cannot repair store " + dir.string(); }

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A numbered RocksDB file with `extension`: "000012.log".
bool is_numbered(const std::string& name, std::string_view extension) {
  return name.ends_with(extension) &&
         all_digits(std::string_view(name).substr(0, name.size() - extension.size()));
}

bool is_table_file(const std::string& name) {
  return is_numbered(name, ".sst") || is_numbered(name, ".ldb");
}

// The files RocksDB keeps a database in: repair has nothing to work with in
// a directory without any.
bool is_rocksdb_file(const std::string& name) {
  return name == "CURRENT" || name.starts_with("MANIFEST-") || is_table_file(name) ||
         is_numbered(name, ".log");
}

void check_holds_a_store(const fs::path& dir) {
  const auto refuse = [&](const std::string& why) {
    throw NotAStore(prefix(dir) + ": not a regionkv store (" + why + ")");
  };
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw StorageError(prefix(dir) + ": " + ec.message());
  if (!fs::exists(status)) refuse("the directory does not exist");
  if (!fs::is_directory(status)) refuse("not a directory");
  fs::directory_iterator entries(dir, ec);
  if (ec) throw StorageError(prefix(dir) + ": cannot read the directory: " + ec.message());
  for (const auto& entry : entries)
    if (is_rocksdb_file(entry.path().filename().string())) return;
  refuse("no RocksDB file in the directory");
}

// RocksDB's lock on the store, as a process that opens the store takes it.
class StoreLock {
 public:
  explicit StoreLock(const fs::path& dir) {
    const rocksdb::Status locked =
        engine::owner_only_env()->LockFile((dir / "LOCK").string(), &lock_);
    if (!locked.ok())
      throw StorageError(prefix(dir) + ": the store is in use (" + locked.ToString() +
                         "); a repair runs only on a store no process holds open. Nothing was "
                         "changed");
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock() { engine::owner_only_env()->UnlockFile(lock_).PermitUncheckedError(); }

 private:
  rocksdb::FileLock* lock_ = nullptr;
};

// The column families the MANIFEST names; nullopt if it cannot be read.
std::optional<std::vector<std::string>> family_names(const fs::path& dir,
                                                     const rocksdb::DBOptions& options) {
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, dir.string(), &names).ok()) return std::nullopt;
  return names;
}

// "20261207T101500Z".
std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::set<std::string> files_in(const fs::path& dir, bool (*wanted)(const std::string&)) {
  std::set<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (wanted(entry.path().filename().string())) found.insert(entry.path().filename().string());
  return found;
}

// Opens the store with every column family the MANIFEST names (or only the
// default one), runs `use`, and closes it. Returns the first error.
template <typename Use>
rocksdb::Status with_store_open(const fs::path& dir, const StoreRocksDBOptions& options,
                                Use&& use) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name :
       family_names(dir, options.db)
           .value_or(std::vector<std::string>{rocksdb::kDefaultColumnFamilyName}))
    descriptors.emplace_back(name, options.family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options.db, dir.string(), descriptors, &handles, &raw);
  if (!status.ok()) return status;
  std::unique_ptr<rocksdb::DB> db(raw);
  status = use(*db);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  const rocksdb::Status closed = db->Close();
  return status.ok() ? closed : status;
}

// Step 1 at the top of this file. Returns whether the logs were replayed.
bool replay_logs_into_tables(const fs::path& dir, StoreRocksDBOptions options) {
  options.db.create_if_missing = false;
  options.db.paranoid_checks = false;  // no size check of every table file
  // The smallest table cache: RocksDB then opens 2 table files at recovery,
  // not every one (a damaged one fails the open).
  options.db.max_open_files = 20;
  options.db.wal_recovery_mode = rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
  options.family.disable_auto_compactions = true;  // reads every table file
  return with_store_open(dir, options, [](rocksdb::DB&) { return rocksdb::Status::OK(); }).ok();
}

// Moves the write-ahead logs into `dir`/lost, where RepairDB sets aside what
// it does not use.
void set_logs_aside(const fs::path& dir) {
  fs::create_directories(dir / "lost");
  for (const auto& log :
       files_in(dir, [](const std::string& name) { return is_numbered(name, ".log"); }))
    fs::rename(dir / log, dir / "lost" / log);
}

rocksdb::Status run_repair_db(const fs::path& dir, const StoreRocksDBOptions& options,
                              const std::vector<std::string>& named_before,
                              const RepairOptions& repair_options) {
  // Every region the MANIFEST named, with the store's options; any other
  // column family a table file names comes back with them too.
  std::vector<rocksdb::ColumnFamilyDescriptor> known;
  known.emplace_back(rocksdb::kDefaultColumnFamilyName, options.family);
  for (const auto& name : named_before)
    if (name != rocksdb::kDefaultColumnFamilyName) known.emplace_back(name, options.family);
  // What RocksDB sets aside or drops, it says at warning level.
  rocksdb::DBOptions db_options = options.db;
  db_options.info_log =
      engine::make_rocksdb_logger(repair_options.log, rocksdb::InfoLogLevel::WARN_LEVEL);
  return rocksdb::RepairDB(dir.string(), db_options, known, options.family);
}

// The store's own metadata after RocksDB's repair, which may have lost any
// of it with a table file or a log record (docs/format.md):
// - the format marker is written again if it is gone: the caller asserted
//   that the directory is a regionkv store;
// - each region's reserved fencing-token bound is raised to at least
//   `fencing_floor`, since a bound lost, or an older one come back, would let
//   the region hand out again tokens it handed out before the damage.
// Returns whether it wrote the marker.
bool restore_store_metadata(const fs::path& dir, StoreRocksDBOptions options,
                            const std::set<std::string>& regions, std::uint64_t fencing_floor) {
  options.db.create_if_missing = false;
  // Every table file is at level 0 now; compacting is Store::open's to do,
  // with the regions' expiry filters.
  options.family.disable_auto_compactions = true;
  rocksdb::WriteOptions durable;
  durable.sync = true;
  bool marker_written = false;
  const auto restore = [&](rocksdb::DB& db) {
    std::string stored;
    rocksdb::Status got =
        db.Get(rocksdb::ReadOptions(), std::string(engine::kFormatMarkerKey), &stored);
    if (got.IsNotFound()) {
      got = db.Put(durable, std::string(engine::kFormatMarkerKey),
                   std::string(engine::kFormatMarkerValue));
      marker_written = true;
    }
    if (!got.ok()) return got;
    const std::string floor = engine::encode_fencing_bound(fencing_floor);
    for (const auto& region : regions) {
      const std::string key = engine::fencing_reservation_key(region);
      got = db.Get(rocksdb::ReadOptions(), key, &stored);
      if (!got.ok() && !got.IsNotFound()) return got;
      if (const auto bound = engine::decode_fencing_bound(stored);
          got.ok() && bound && *bound >= fencing_floor)
        continue;
      if (rocksdb::Status put = db.Put(durable, key, floor); !put.ok()) return put;
    }
    return rocksdb::Status::OK();
  };
  check_status(with_store_open(dir, options, restore), "cannot restore the store's metadata");
  return marker_written;
}

// Opens the repaired store as Store::open does, and counts what each region
// holds.
std::vector<RecoveredRegion> count_records(const fs::path& dir, const RepairOptions& options) {
  StoreOptions store_options;
  store_options.create_if_missing = false;
  store_options.log = options.log;
  const auto engine = engine::Engine::open(dir, store_options);
  std::vector<RecoveredRegion> regions;
  for (const std::string& name : engine->region_names()) {
    RecoveredRegion region{.name = name};
    std::unique_ptr<rocksdb::Iterator> it(
        engine->db().NewIterator(rocksdb::ReadOptions(), engine->find_column_family(name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      try {
        const engine::Record record = engine::decode_record(it->value().ToStringView());
        ++(record.kind == engine::RecordKind::kLock ? region.lock_records : region.value_records);
      } catch (const Corruption&) {
        ++region.corrupt_records;
      }
    }
    check_status(it->status(), "cannot read " + common::describe_region(printable(name)));
    regions.push_back(std::move(region));
  }
  return regions;
}

}  // namespace

RepairReport repair_store(const fs::path& dir, const RepairOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  check_holds_a_store(dir);
  const StoreRocksDBOptions store_options =
      engine::store_rocksdb_options(StoreOptions{}, options.log);
  RepairReport report;
  const std::vector<std::string> named_before =
      family_names(dir, store_options.db).value_or(std::vector<std::string>{});
  const std::set<std::string> set_aside_before = files_in(dir / "lost", is_table_file);
  {
    StoreLock lock(dir);
    try {
      report.copy = engine::copy_directory_aside(dir, ".before-repair-" + utc_now());
    } catch (const fs::filesystem_error& e) {
      throw StorageError(prefix(dir) + ": cannot copy it aside first (" + e.what() +
                         "). Nothing was changed");
    }
  }

  // From here on the store changes, and every error names the copy.
  const std::string failed = "repair of store " + dir.string() + " failed";
  const std::string copy_is_in = "the store as it was is in " + report.copy.string();
  const auto restore = [&](const std::string& why) {
    try {
      engine::restore_directory(dir, report.copy);
    } catch (const fs::filesystem_error& e) {
      throw StorageError("RocksDB's repair failed (" + why +
                         "), and putting the store back from its copy failed too (" + e.what() +
                         ")");
    }
  };
  try {
    const bool logs_replayed = replay_logs_into_tables(dir, store_options);
    rocksdb::Status repaired = run_repair_db(dir, store_options, named_before, options);
    if (!repaired.ok() && !logs_replayed) {
      restore(repaired.ToString());
      set_logs_aside(dir);
      report.logs_dropped = true;
      repaired = run_repair_db(dir, store_options, named_before, options);
    }
    if (!repaired.ok()) {
      restore(repaired.ToString());
      check_status(repaired, "RocksDB's repair (the store was put back as it was)");
    }
    // Every region the store held before or holds now. A fencing token per
    // microsecond is more than a store hands out, so tokens continue above
    // every one handed out before, as memcached's counter does when it
    // finds itself gone (docs/locks.md).
    std::set<std::string> regions(named_before.begin(), named_before.end());
    for (const auto& name :
         family_names(dir, store_options.db).value_or(std::vector<std::string>{}))
      regions.insert(name);
    regions.erase(rocksdb::kDefaultColumnFamilyName);
    report.fencing_tokens_above =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    report.format_marker_written =
        restore_store_metadata(dir, store_options, regions, report.fencing_tokens_above);
    report.regions = count_records(dir, options);
  } catch (const Corruption& e) {
    throw Corruption(failed + ": " + e.what() + "; " + copy_is_in);
  } catch (const StorageError& e) {
    throw StorageError(failed + ": " + e.what() + "; " + copy_is_in);
  } catch (const fs::filesystem_error& e) {
    throw StorageError(failed + ": " + e.what() + "; " + copy_is_in);
  }

  for (const auto& name : named_before) {
    const bool recovered = std::any_of(report.regions.begin(), report.regions.end(),
                                       [&](const RecoveredRegion& r) { return r.name == name; });
    if (name != rocksdb::kDefaultColumnFamilyName && !recovered)
      report.lost_regions.push_back(name);
  }
  for (const auto& table : files_in(dir / "lost", is_table_file))
    if (!set_aside_before.contains(table)) report.tables_set_aside.push_back(table);
  report.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace regionkv
