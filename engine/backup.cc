#include "engine/backup.h"

#include <fcntl.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "engine/engine.h"
#include "engine/fencing_reservation.h"
#include "engine/store_directory.h"
#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

std::string errno_message(int error) {
  return std::error_code(error, std::generic_category()).message();
}

void sync_directory(const fs::path& dir, const std::string& what) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!synced)
    throw StorageError(what + ": cannot sync " + dir.string() + ": " + errno_message(error));
}

// A hidden name beside `target` that nobody uses, nor its ".tmp" (where the
// checkpoint stages its files, and which it would clear first).
fs::path staging_name(const fs::path& target) {
  static std::atomic<unsigned> sequence{0};
  for (;;) {
    const fs::path candidate =
        target.parent_path() / ("." + target.filename().string() + ".regionkv-backup-" +
                                std::to_string(::getpid()) + "-" + std::to_string(++sequence));
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(candidate, ec)) &&
        !fs::exists(fs::symlink_status(candidate.string() + ".tmp", ec)))
      return candidate;
  }
}

// Opens the finished backup read only, as Store::open would read it: every
// column family, the WAL checks, the format marker key.
void verify_backup(const fs::path& dir, const StoreRocksDBOptions& options) {
  const std::string what = "the backup in " + dir.string() + " does not open";
  std::vector<std::string> names;
  check_status(rocksdb::DB::ListColumnFamilies(options.db, dir.string(), &names), what);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, options.family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  check_status(rocksdb::DB::OpenForReadOnly(options.db, dir.string(), descriptors, &handles, &raw),
               what);
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string marker;
  const rocksdb::Status got =
      db->Get(rocksdb::ReadOptions(), std::string(kFormatMarkerKey), &marker);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  check_status(got, what + " (format marker)");
  if (marker != kFormatMarkerValue)
    throw StorageError(what + ": unexpected format marker '" + marker + "'");
}

// Moves `from` to `to`, failing if `to` exists (even as an empty directory,
// which rename(2) would replace).
void rename_without_replacing(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  int error = errno;
  if (error == EINVAL || error == ENOSYS) {  // a file system without RENAME_NOREPLACE
    std::error_code ec;
    if (fs::exists(fs::symlink_status(to, ec))) {
      error = EEXIST;
    } else if (::rename(from.c_str(), to.c_str()) == 0) {
      return;
    } else {
      error = errno;
    }
  }
  if (error == EEXIST || error == ENOTEMPTY)
    throw StorageError("cannot back up into " + to.string() +
                       ": it appeared while the backup was written; nothing was written there");
  throw StorageError("cannot back up into " + to.string() + ": cannot rename " + from.string() +
                     " to it: " + errno_message(error));
}

std::uint64_t wall_clock_microseconds() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

void create_backup(rocksdb::DB& db, const fs::path& store_dir, const fs::path& dir,
                   const StoreRocksDBOptions& options) {
  // RocksDB's checkpoint wants an absolute path, and "a/b/" names "a/b".
  fs::path target = fs::absolute(dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  const std::string refused =
      "cannot back up store " + store_dir.string() + " into " + dir.string();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target, ec)))
    throw StorageError(refused +
                       ": it exists (a backup goes into a new directory); nothing was "
                       "changed");
  if (!fs::is_directory(target.parent_path(), ec))
    throw StorageError(refused + ": its parent directory " + target.parent_path().string() +
                       " does not exist");

  const fs::path staging = staging_name(target);
  const auto remove_staging = [&] {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    fs::remove_all(staging.string() + ".tmp", ignored);
  };
  try {
    rocksdb::Checkpoint* raw = nullptr;
    check_status(rocksdb::Checkpoint::Create(&db, &raw), refused);
    const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // 0: flush every memtable first, so the copied log is only what was
    // written since, rather than up to max_total_wal_size of it.
    check_status(checkpoint->CreateCheckpoint(staging.string(), /*log_size_for_flush=*/0), refused);
    write_file_durably(staging, kRestoreMarkerFileName,
                       "regionkv backup of " + store_dir.string() + "\n");
    write_marker_file(staging);  // last: until then the staging is no store
    verify_backup(staging, options);
    rename_without_replacing(staging, target);
  } catch (const StorageError&) {
    remove_staging();
    throw;
  } catch (const Corruption& e) {
    remove_staging();
    throw StorageError(refused + ": " + e.what());
  } catch (const fs::filesystem_error& e) {
    remove_staging();
    throw StorageError(refused + ": " + e.what());
  }
  // The rename is durable once the parent is synced; the backup itself is
  // complete either way.
  sync_directory(target.parent_path(), refused);
}

std::uint64_t continue_fencing_after_restore(rocksdb::DB& db, const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir / kRestoreMarkerFileName, ec)) return 0;
  const std::string what =
      "cannot continue the fencing tokens of store " + dir.string() + ", restored from a backup";
  // Every region with a column family or a reservation (a dropped region
  // keeps its reservation, for when its name is used again).
  std::set<std::string> regions;
  const std::string prefix = fencing_reservation_key("");
  {
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      regions.insert(it->key().ToString().substr(prefix.size()));
    check_status(it->status(), what);
  }
  std::vector<std::string> families;
  check_status(rocksdb::DB::ListColumnFamilies(db.GetDBOptions(), dir.string(), &families), what);
  for (const auto& name : families)
    if (name != rocksdb::kDefaultColumnFamilyName) regions.insert(name);

  const std::uint64_t floor = wall_clock_microseconds();
  rocksdb::WriteBatch batch;
  for (const auto& region : regions) {
    const std::string key = fencing_reservation_key(region);
    std::string stored;
    const rocksdb::Status got = db.Get(rocksdb::ReadOptions(), key, &stored);
    if (!got.IsNotFound()) check_status(got, what);
    if (const auto bound = decode_fencing_bound(stored); got.ok() && bound && *bound >= floor)
      continue;
    check_status(batch.Put(key, encode_fencing_bound(floor)), what);
  }
  rocksdb::WriteOptions durable;
  durable.sync = true;
  check_status(db.Write(durable, &batch), what);
  if (!fs::remove(dir / kRestoreMarkerFileName, ec) && ec)
    throw StorageError(what + ": cannot remove " + kRestoreMarkerFileName + ": " + ec.message());
  sync_directory(dir, what);
  return floor;
}

}  // namespace regionkv::engine
