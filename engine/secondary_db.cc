// Why reading a store from outside needs more than a secondary instance to
// report damage (RocksDB 7.8.3, which Debian ships):
//
// - A secondary replays the MANIFEST with a point-in-time handler
//   (db/version_edit_handler.cc): a table file that is missing, whose size
//   differs from the MANIFEST's, or that does not open is taken for one the
//   primary deleted since, and each column family comes back as it was before
//   that file was written, with an OK status. Built so that a secondary can
//   follow a primary that deletes files as it compacts, this is also how it
//   hides damage, and no option changes it. check_store_opens() therefore
//   opens the store read-only with the store's own options, whose recovery
//   fails on each of these as Store::open's does.
// - A scan skips the rest of a level, with an OK status, when the first block
//   of a table file other than the level's first fails its checksum: the
//   merging iterator drops the error on its range-deletion path (fixed in
//   RocksDB 8.7, "Fix a bug where iterator status is not checked", #11782).
//   regionkv writes no range deletions, so scans ignore them and take the
//   path that keeps the error (scan_options()).
// - The secondary's log reader checks every record's checksum, whatever
//   wal_recovery_mode says, and fails the open on a bad record; a read-only
//   instance with point-in-time recovery reads up to it (open_up_to_damage).
#include "engine/secondary_db.h"

#include <rocksdb/file_checksum.h>

#include <system_error>

#include "engine/engine.h"
#include "engine/rocksdb_logger.h"
#include "engine/rocksdb_options.h"
#include "engine/scratch_dir.h"
#include "engine/store_directory.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

std::string prefix(const fs::path& dir) { return "cannot inspect store " + dir.string(); }

[[noreturn]] void not_a_store(const fs::path& dir, const std::string& why) {
  throw NotAStore(prefix(dir) + ": not a regionkv store (" + why + ")");
}

// Tells "no store here" (a usage error for a tool) from "a store we cannot
// read" before RocksDB reports both as I/O errors.
// Decided as Store::open decides (engine/store_directory.h), so the two
// agree on what is damaged. Returns whether the directory is marked as a
// store (its marker file).
bool check_store_directory(const fs::path& dir) {
  const StoreDirectory found = classify_store_directory(dir);
  switch (found.kind) {
    case DirectoryKind::kMissing:
      not_a_store(dir, "the directory does not exist");
    case DirectoryKind::kNotADirectory:
      not_a_store(dir, "not a directory");
    case DirectoryKind::kOtherFiles:
      not_a_store(dir, found.other_files);
    case DirectoryKind::kNew:
      not_a_store(dir, "no RocksDB database in the directory");
    case DirectoryKind::kStore:
      return true;
    case DirectoryKind::kUnmarkedDatabase:
      return false;
  }
  return false;
}

// Descriptors of every column family in the store's MANIFEST, each with a
// store's column family options (the table format, Bloom filters).
std::vector<rocksdb::ColumnFamilyDescriptor> family_descriptors(
    const fs::path& dir, const rocksdb::DBOptions& options,
    const rocksdb::ColumnFamilyOptions& family) {
  std::vector<std::string> names;
  check_status(rocksdb::DB::ListColumnFamilies(options, dir.string(), &names), prefix(dir));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const auto& name : names) descriptors.emplace_back(name, family);
  return descriptors;
}

// A store's options for a read-only instance: RocksDB's messages dropped
// (the status carries the error, and a tool's stderr stays one line), no
// LOG file, which RocksDB would otherwise write into the store directory.
StoreRocksDBOptions read_only_options() {
  StoreRocksDBOptions options = store_rocksdb_options(StoreOptions{}, [](std::string_view) {});
  options.db.create_if_missing = false;
  return options;
}

rocksdb::Status open_read_only_and_close(const fs::path& dir, const StoreRocksDBOptions& options) {
  std::vector<std::string> names;
  rocksdb::Status status = rocksdb::DB::ListColumnFamilies(options.db, dir.string(), &names);
  if (!status.ok()) return status;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const auto& name : names) descriptors.emplace_back(name, options.family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status = rocksdb::DB::OpenForReadOnly(options.db, dir.string(), descriptors, &handles, &raw);
  if (!status.ok()) return status;
  std::unique_ptr<rocksdb::DB> db(raw);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  return db->Close();
}

bool names_a_missing_file(const rocksdb::Status& status) {
  return status.IsPathNotFound() ||
         status.ToString().find("No such file or directory") != std::string::npos;
}

}  // namespace

std::unique_ptr<SecondaryDb> SecondaryDb::open(const fs::path& store_dir) {
  std::unique_ptr<SecondaryDb> secondary(new SecondaryDb());
  secondary->marked_ = check_store_directory(store_dir);
  secondary->open_families(store_dir, /*up_to_damage=*/false);
  secondary->check_format_marker(store_dir);
  return secondary;
}

std::unique_ptr<SecondaryDb> SecondaryDb::open_up_to_damage(const fs::path& store_dir,
                                                            std::optional<Corruption>* damage) {
  try {
    return open(store_dir);
  } catch (const Corruption& e) {
    std::unique_ptr<SecondaryDb> read_only(new SecondaryDb());
    read_only->marked_ = fs::exists(store_dir / kMarkerFileName);
    try {
      read_only->open_families(store_dir, /*up_to_damage=*/true);
    } catch (const Error&) {
      throw e;  // RocksDB's own reason, not the fallback's
    }
    read_only->check_format_marker(store_dir);
    *damage = e;
    return read_only;
  }
}

void SecondaryDb::open_families(const fs::path& store_dir, bool up_to_damage) {
  store_dir_ = store_dir;
  const std::string what = prefix(store_dir);
  // A store's column family options (the table format, Bloom filters), with
  // a block cache and memtable budget of this instance's own.
  const StoreRocksDBOptions store_options = read_only_options();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened;
  if (up_to_damage) {
    rocksdb::DBOptions options = store_options.db;
    options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    opened = rocksdb::DB::OpenForReadOnly(
        options, store_dir.string(), family_descriptors(store_dir, options, store_options.family),
        &handles, &raw);
  } else {
    // Not the store's options: RocksDB's log goes to the scratch directory
    // rather than stderr, so a tool's stderr stays one line.
    rocksdb::DBOptions options;
    // A secondary must keep every table file open: the primary may compact
    // and delete files while we read them.
    options.max_open_files = -1;
    options.paranoid_checks = true;
    // For verify_checksums(): files written without a checksum are skipped.
    options.file_checksum_gen_factory = rocksdb::GetFileChecksumGenCrc32cFactory();
    const auto descriptors = family_descriptors(store_dir, options, store_options.family);
    // From here on the destructor cleans up whatever was made before a throw.
    scratch_dir_ = make_scratch_dir();
    opened = rocksdb::DB::OpenAsSecondary(options, store_dir.string(), scratch_dir_.string(),
                                          descriptors, &handles, &raw);
  }
  check_status(opened, what);
  db_.reset(raw);
  for (auto* handle : handles) families_[handle->GetName()] = handle;
  // The open replayed the log as it stood when the open began; catch up
  // with what the primary wrote while the column families were opened.
  if (!up_to_damage) check_status(raw->TryCatchUpWithPrimary(), what);
}

void SecondaryDb::check_format_marker(const fs::path& store_dir) {
  const std::string what = prefix(store_dir);
  std::string marker;
  const rocksdb::Status got =
      db_->Get(rocksdb::ReadOptions(), families_.at(rocksdb::kDefaultColumnFamilyName),
               std::string(kFormatMarkerKey), &marker);
  if (got.IsNotFound() && marked_)
    throw Corruption(what + ": the store is damaged: " + kMarkerFileName +
                     " marks it as a store, but its format key is gone with the data that "
                     "held it; regionkv-repair " + store_dir.string() + " recovers what is left");
  if (got.IsNotFound())
    not_a_store(store_dir, "a RocksDB database without the regionkv format marker");
  check_status(got, what);
  if (marker != kFormatMarkerValue)
    throw StorageError(what + ": unsupported regionkv format '" + printable(marker) + "'");
}

SecondaryDb::~SecondaryDb() {
  if (db_) {
    for (auto& [name, handle] : families_) db_->DestroyColumnFamilyHandle(handle);
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  if (!scratch_dir_.empty()) {
    std::error_code ignored;  // a leftover temp directory is not worth a throw
    fs::remove_all(scratch_dir_, ignored);
  }
}

std::vector<std::string> SecondaryDb::region_names() const {
  std::vector<std::string> names;
  for (const auto& [name, handle] : families_)
    if (name != rocksdb::kDefaultColumnFamilyName) names.push_back(name);
  return names;  // std::map keeps them sorted
}

rocksdb::ColumnFamilyHandle* SecondaryDb::family(const std::string& region) const {
  if (region == rocksdb::kDefaultColumnFamilyName) return nullptr;
  const auto it = families_.find(region);
  return it == families_.end() ? nullptr : it->second;
}

rocksdb::ReadOptions SecondaryDb::scan_options() {
  rocksdb::ReadOptions read;
  read.verify_checksums = true;
  read.ignore_range_deletions = true;  // see the top of this file
  return read;
}

void SecondaryDb::verify_checksums() {
  rocksdb::ReadOptions read;
  read.verify_checksums = true;
  read.fill_cache = false;
  const std::string what = "store " + store_dir_.string() + " fails verification";
  check_status(db_->VerifyChecksum(read), what);
  check_status(db_->VerifyFileChecksums(read), what);
}

void check_store_opens(const fs::path& store_dir) {
  const StoreRocksDBOptions options = read_only_options();
  // A process that holds the store open deletes files as it flushes and
  // compacts, possibly between our reading the MANIFEST and opening a file
  // it names: a file missing at three attempts in a row is missing.
  constexpr int kAttempts = 3;
  rocksdb::Status opened;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    opened = open_read_only_and_close(store_dir, options);
    if (opened.ok() || !names_a_missing_file(opened)) break;
  }
  check_status(opened, "Store::open would fail on store " + store_dir.string());
}

}  // namespace regionkv::engine
