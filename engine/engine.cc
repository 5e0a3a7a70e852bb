#include "engine/engine.h"

#include <rocksdb/options.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "common/describe.h"
#include "engine/backup.h"
#include "engine/expiry_compaction_filter.h"
#include "engine/forked_child_exit.h"
#include "engine/owner_only_files.h"
#include "engine/rocksdb_logger.h"
#include "engine/rocksdb_options.h"
#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& dir, const std::string& why) {
  throw StorageError("cannot open store " + dir.string() + ": " + why);
}

// Says so, once, if users other than the owner have any permission on an
// existing store directory: they may read its files, unless every file is
// mode 0600 (those written since this release are; older ones are 0644).
void warn_if_others_may_read(const fs::path& dir, fs::perms mode,
                             const std::function<void(std::string_view)>& log) {
  if (!others_may_access(mode)) return;
  char octal[8];
  std::snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode) & 07777);
  report(log, "store directory " + dir.string() + " is open to other users (mode " + octal +
                  "): they may read the values and locks it holds; chmod 700 it");
}

}  // namespace

void check_status(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return;
  if (is_no_space(status)) throw StorageError(disk_full_message(what, status));
  if (status.IsCorruption())
    throw Corruption(std::string(what) + ": " + status.ToString());
  throw StorageError(std::string(what) + ": " + status.ToString());
}

std::unique_ptr<Engine> Engine::open(const fs::path& dir,
                                     const StoreOptions& options) {
  validate_store_options(options);
  // Reads only: a refused open changes nothing (engine/store_directory.h).
  const StoreDirectory found = classify_store_directory(dir);
  switch (found.kind) {
    case DirectoryKind::kMissing:
      if (!options.create_if_missing)
        refuse(dir, "directory does not exist (create_if_missing is false)");
      break;
    case DirectoryKind::kNotADirectory:
      refuse(dir, "not a directory");
    case DirectoryKind::kOtherFiles:
      refuse(dir, "not a regionkv store (" + found.other_files + ")");
    case DirectoryKind::kNew:
      if (!options.create_if_missing)
        refuse(dir, "no store in the directory (create_if_missing is false)");
      break;
    case DirectoryKind::kStore:
    case DirectoryKind::kUnmarkedDatabase:
      break;
  }
  if (found.kind == DirectoryKind::kMissing) {
    // Created here rather than by RocksDB, which logs an error while it
    // looks for a directory that is not there yet; mode 0700.
    try {
      create_owner_only_directory(dir);
    } catch (const fs::filesystem_error& e) {
      refuse(dir, std::string("cannot create the directory: ") + e.code().message());
    }
  }
  protect_forked_children_from_rocksdb_exit();
  std::unique_ptr<StoreLock> lock = StoreLock::acquire(dir);
  try {
    auto engine = open_locked(dir, options, found);
    engine->lock_ = std::move(lock);
    engine->lock_->write_owner_record();
    if (found.permissions) warn_if_others_may_read(dir, *found.permissions, options.log);
    return engine;
  } catch (...) {
    // Null once the engine took it: then the open had succeeded, and the
    // engine's destruction released it.
    if (lock && found.kind != DirectoryKind::kMissing) lock->undo_created_files();
    throw;
  }
}

std::unique_ptr<Engine> Engine::open_locked(const fs::path& dir, const StoreOptions& options,
                                            const StoreDirectory& found) {
  std::unique_ptr<Engine> engine(new Engine());
  engine->directory_ = dir;
  engine->log_ = options.log;
  // engine/rocksdb_options.cc: shared with the benchmarks' RocksDB floors.
  engine->options_ = store_rocksdb_options(options, options.log);
  // Never a new database over files already there (if CURRENT went missing
  // since the directory was classified).
  engine->options_.db.create_if_missing =
      found.kind == DirectoryKind::kMissing || found.kind == DirectoryKind::kNew;
  const rocksdb::DBOptions& db_options = engine->options_.db;
  engine->clock_ = options.time_source
                       ? std::shared_ptr<const TimeSource>(options.time_source)
                       : system_time_source();

  if (found.kind == DirectoryKind::kUnmarkedDatabase)
    verify_unmarked_database(dir, engine->options_);
  std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName};
  if (found.kind == DirectoryKind::kStore || found.kind == DirectoryKind::kUnmarkedDatabase) {
    names.clear();
    const rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, dir.string(), &names);
    if (listed.IsCorruption()) refuse_damaged_store(dir, listed.ToString());
    check_status(listed, "cannot open store " + dir.string());
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names)
    descriptors.emplace_back(name, name == rocksdb::kDefaultColumnFamilyName
                                       ? engine->options_.family
                                       : engine->region_family_options(name));

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::Open(db_options, dir.string(), descriptors, &handles, &raw);
  if (status.IsCorruption()) refuse_damaged_store(dir, status.ToString());
  check_status(status, "cannot open store " + dir.string());
  engine->db_.reset(raw);
  for (auto* handle : handles) {
    if (handle->GetName() == rocksdb::kDefaultColumnFamilyName) {
      raw->DestroyColumnFamilyHandle(handle);  // the DB keeps its own
      continue;
    }
    engine->families_[handle->GetName()].handle = handle;
  }

  std::string marker;
  const rocksdb::Status got =
      raw->Get(rocksdb::ReadOptions(), std::string(kFormatMarkerKey), &marker);
  if (got.IsNotFound() && engine->is_blank()) {
    // New, or created by an open that stopped before writing the marker.
    rocksdb::WriteOptions durable;
    durable.sync = true;
    check_status(raw->Put(durable, std::string(kFormatMarkerKey),
                          std::string(kFormatMarkerValue)),
                 "cannot initialise store " + dir.string());
  } else if (got.IsNotFound()) {
    refuse(dir, "not a regionkv store (a RocksDB database without the "
                "regionkv format marker)");
  } else {
    check_status(got, "cannot read store " + dir.string());
    if (marker != kFormatMarkerValue)
      refuse(dir, "unsupported regionkv format '" + marker + "'");
  }
  if (found.kind != DirectoryKind::kStore) write_marker_file(dir);
  if (found.kind == DirectoryKind::kStore) {
    if (const std::uint64_t above = continue_fencing_after_restore(*raw, dir))
      report(options.log, "store " + dir.string() +
                              " was a backup: every region's fencing tokens continue above " +
                              std::to_string(above));
  }
  for (auto& [name, no_expiry_keys] : engine->no_expiry_keys_) no_expiry_keys->load(*raw);
  if (engine->options_.write.sync) {
    Engine* self = engine.get();
    engine->pipeline_ = std::make_unique<CommitPipeline>([self](rocksdb::WriteBatch& batch) {
      return self->db_->Write(self->options_.write, &batch);
    });
  }
  return engine;
}

Engine::~Engine() { close(); }

bool Engine::is_blank() {
  if (!families_.empty()) return false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  return !it->Valid() && it->status().ok();
}

void Engine::close() {
  pipeline_.reset();  // waits for every write in flight
  if (!db_) return;
  for (auto& [name, family] : families_) db_->DestroyColumnFamilyHandle(family.handle);
  families_.clear();
  db_->Close().PermitUncheckedError();
  db_.reset();
}

Engine::Family& Engine::family(const std::string& region) {
  auto it = families_.find(region);
  if (it != families_.end()) return it->second;
  Family created;
  check_status(db_->CreateColumnFamily(region_family_options(region), region, &created.handle),
               "cannot create column family for " + common::describe_region(region));
  no_expiry_keys_.at(region)->load(*db_);
  return families_.emplace(region, std::move(created)).first->second;
}

rocksdb::ColumnFamilyHandle* Engine::column_family(const std::string& region) {
  std::lock_guard lock(families_mutex_);
  return family(region).handle;
}

Engine::NamedColumnFamilies Engine::column_families() const {
  NamedColumnFamilies named;
  std::lock_guard lock(families_mutex_);
  for (const auto& [name, family] : families_) named.emplace_back(name, family.handle);
  return named;
}

rocksdb::ColumnFamilyHandle* Engine::find_column_family(
    const std::string& region) const {
  std::lock_guard lock(families_mutex_);
  auto it = families_.find(region);
  return it == families_.end() ? nullptr : it->second.handle;
}

Engine::KeyLocks& Engine::key_locks(const std::string& region) {
  std::lock_guard lock(families_mutex_);
  return *family(region).key_locks;
}

NoExpiryKeys& Engine::no_expiry_keys(const std::string& region) {
  std::lock_guard lock(families_mutex_);
  family(region);
  return *no_expiry_keys_.at(region);
}

rocksdb::ColumnFamilyOptions Engine::region_family_options(const std::string& region) {
  auto& no_expiry_keys = no_expiry_keys_[region];
  if (!no_expiry_keys) no_expiry_keys = std::make_shared<NoExpiryKeys>(region);
  rocksdb::ColumnFamilyOptions options = options_.family;
  add_expiry_options(options, clock_, no_expiry_keys);
  return options;
}

std::vector<std::string> Engine::region_names() const {
  std::lock_guard lock(families_mutex_);
  std::vector<std::string> names;
  for (const auto& [name, family] : families_) names.push_back(name);
  return names;  // std::map keeps them sorted
}

Engine::ColumnFamilyUse::ColumnFamilyUse(const Engine& engine)
    : use_([&engine] {
        std::lock_guard gate(engine.drop_gate_);
        return std::shared_lock(engine.column_families_in_use_);
      }()) {}

void Engine::drop_region(const std::string& region) {
  std::lock_guard gate(drop_gate_);
  std::unique_lock exclusive(column_families_in_use_);
  std::lock_guard lock(families_mutex_);
  const auto it = families_.find(region);
  if (it == families_.end())
    throw std::invalid_argument("no " + common::describe_region(region) + " in store " +
                                directory_.string());
  check_status(db_->DropColumnFamily(it->second.handle),
               "cannot drop " + common::describe_region(region));
  // Dropped: from here on nothing may fail the call.
  db_->DestroyColumnFamilyHandle(it->second.handle).PermitUncheckedError();
  families_.erase(it);
  no_expiry_keys_.erase(region);
  rocksdb::WriteOptions durable;
  durable.sync = true;
  const rocksdb::Status forgotten = db_->Delete(durable, NoExpiryKeys::metadata_key(region));
  // Left behind, the set only spares keys of a region created again under
  // the name until that region is configured.
  if (!forgotten.ok())
    report(log_, common::describe_region(region) + " was dropped, but its no-expiry keys stay in " +
                     directory_.string() + ": " + forgotten.ToString());
}

void Engine::backup(const std::filesystem::path& dir) {
  create_backup(*db_, directory_, dir, options_);
}

void Engine::write(rocksdb::WriteBatch& batch) {
  rocksdb::Status status =
      pipeline_ ? pipeline_->write(batch) : db_->Write(options_.write, &batch);
  if (!status.ok()) {
    status = resume_after(status);
    if (status.ok())
      status = pipeline_ ? pipeline_->write(batch) : db_->Write(options_.write, &batch);
  }
  check_status(status, "write failed");
}

void Engine::write(rocksdb::WriteBatch& batch, const rocksdb::WriteOptions& options,
                   std::string_view what) {
  rocksdb::Status status = db_->Write(options, &batch);
  if (!status.ok()) {
    status = resume_after(status);
    if (status.ok()) status = db_->Write(options, &batch);
  }
  check_status(status, what);
}

rocksdb::Status Engine::resume_after(const rocksdb::Status& failure) {
  return no_space_recovery_.resume_after(*db_, failure, [this] {
    const auto holds_writes = [this](rocksdb::ColumnFamilyHandle* family) {
      std::uint64_t entries = 0;
      return db_->GetIntProperty(family, rocksdb::DB::Properties::kNumEntriesActiveMemTable,
                                 &entries) &&
             entries > 0;
    };
    std::lock_guard lock(families_mutex_);
    if (holds_writes(db_->DefaultColumnFamily())) return true;
    for (const auto& [name, family] : families_)
      if (holds_writes(family.handle)) return true;
    return false;
  });
}

std::optional<std::string> Engine::read_metadata(std::string_view key) {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  check_status(status, "cannot read store metadata '" + std::string(key) + "'");
  return value;
}

void Engine::write_metadata_durably(std::string_view key, std::string_view value) {
  rocksdb::WriteOptions durable;
  durable.sync = true;
  rocksdb::WriteBatch batch;
  check_status(batch.Put(rocksdb::Slice(key.data(), key.size()),
                         rocksdb::Slice(value.data(), value.size())),
               "cannot batch store metadata '" + std::string(key) + "'");
  write(batch, durable, "cannot write store metadata '" + std::string(key) + "'");
}

}  // namespace regionkv::engine
