#include "engine/secondary_db.h"

#include <system_error>

#include "engine/engine.h"
#include "regionkv/printable.h"
#include "engine/rocksdb_options.h"
#include "engine/scratch_dir.h"
#include "regionkv/errors.h"
#include "regionkv/inspect.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

std::string prefix(const fs::path& dir) { return "cannot inspect store " + dir.string(); }

[[noreturn]] void not_a_store(const fs::path& dir, const std::string& why) {
  throw NotAStore(prefix(dir) + ": not a regionkv store (" + why + ")");
}

[[noreturn]] void unreadable(const fs::path& dir, const std::string& why) {
  throw StorageError(prefix(dir) + ": " + why);
}

// Tells "no store here" (a usage error for a tool) from "a store we cannot
// read" before RocksDB reports both as I/O errors.
void check_store_directory(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) unreadable(dir, ec.message());
  if (!fs::exists(status)) not_a_store(dir, "the directory does not exist");
  if (!fs::is_directory(status)) not_a_store(dir, "not a directory");
  const fs::file_status current = fs::status(dir / "CURRENT", ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    unreadable(dir, "cannot read the directory: " + ec.message());
  if (!fs::exists(current)) not_a_store(dir, "no RocksDB database in the directory");
}

}  // namespace

std::unique_ptr<SecondaryDb> SecondaryDb::open(const fs::path& store_dir) {
  check_store_directory(store_dir);
  const std::string what = prefix(store_dir);

  // Not store_db_options(): RocksDB's log goes to the scratch directory
  // rather than stderr, so a tool's stderr stays one line.
  rocksdb::DBOptions options;
  // A secondary must keep every table file open: the primary may compact
  // and delete files while we read them.
  options.max_open_files = -1;
  std::vector<std::string> names;
  check_status(rocksdb::DB::ListColumnFamilies(options, store_dir.string(), &names), what);
  // A store's column family options (the table format, Bloom filters), with
  // a block cache and memtable budget of the secondary's own.
  const StoreRocksDBOptions store_options = store_rocksdb_options(StoreOptions{});
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const auto& name : names) descriptors.emplace_back(name, store_options.family);

  // From here on the destructor cleans up whatever was made before a throw.
  std::unique_ptr<SecondaryDb> secondary(new SecondaryDb());
  secondary->scratch_dir_ = make_scratch_dir();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened = rocksdb::DB::OpenAsSecondary(
      options, store_dir.string(), secondary->scratch_dir_.string(), descriptors, &handles, &raw);
  check_status(opened, what);
  secondary->db_.reset(raw);
  for (auto* handle : handles) secondary->families_[handle->GetName()] = handle;
  // The open replayed the log as it stood when the open began; catch up
  // with what the primary wrote while the column families were opened.
  check_status(raw->TryCatchUpWithPrimary(), what);

  std::string marker;
  const rocksdb::Status got =
      raw->Get(rocksdb::ReadOptions(), secondary->families_.at(rocksdb::kDefaultColumnFamilyName),
               std::string(kFormatMarkerKey), &marker);
  if (got.IsNotFound())
    not_a_store(store_dir, "a RocksDB database without the regionkv format marker");
  check_status(got, what);
  if (marker != kFormatMarkerValue)
    throw StorageError(what + ": unsupported regionkv format '" + printable(marker) + "'");
  return secondary;
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

}  // namespace regionkv::engine
