#include "engine/store_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "engine/engine.h"
#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& dir, const std::string& why) {
  throw StorageError("cannot open store " + dir.string() + ": " + why);
}

}  // namespace

void refuse_damaged_store(const fs::path& dir, const std::string& damage) {
  std::string what = damage;
  while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
  throw Corruption("cannot open store " + dir.string() + ": the store is damaged: " + what +
                   ". Nothing in the directory was changed. regionkv-repair " + dir.string() +
                   " recovers what it holds (it copies the directory aside first); see "
                   "docs/reliability.md");
}

namespace {

bool starts_with(const std::string& name, std::string_view prefix) {
  return name.rfind(prefix, 0) == 0;
}

// Files RocksDB writes while it creates a database, before any data.
bool is_rocksdb_bootstrap_file(const std::string& name) {
  for (std::string_view prefix : {"LOCK", "LOG", "IDENTITY", "OPTIONS-", "CURRENT"})
    if (starts_with(name, prefix)) return true;
  return name == "MANIFEST-000001" || name.ends_with(".dbtmp");
}

// Files that only a database holding data has: tables, a non-empty log, a
// manifest written after the first open, the marker file.
bool is_data_file(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  if (name.ends_with(".sst") || name.ends_with(".ldb")) return true;
  if (starts_with(name, "MANIFEST-")) return name != "MANIFEST-000001";
  if (name == kMarkerFileName) return true;
  std::error_code ec;
  return name.ends_with(".log") && entry.file_size(ec) > 0;
}

bool is_regionkv_file(const std::string& name) {
  return name == kMarkerFileName || starts_with(name, "REGIONKV-");
}

// The first `limit` bytes of `file`. Throws StorageError if it cannot be
// read (a permission problem is not damage).
std::string read_small_file(const fs::path& dir, const fs::path& file, std::size_t limit) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  std::string text(limit, '\0');
  const ssize_t got = fd < 0 ? -1 : ::read(fd, text.data(), limit);
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (got < 0)
    refuse(dir, "cannot read " + file.string() + ": " +
                    std::error_code(error, std::generic_category()).message());
  text.resize(static_cast<std::size_t>(got));
  return text;
}

// Empty if CURRENT names a manifest that is there and not empty; else what
// is wrong with it.
std::string current_file_damage(const fs::path& dir) {
  const std::string current = read_small_file(dir, dir / "CURRENT", 256);
  std::string name = current;
  if (!name.empty() && name.back() == '\n') name.pop_back();
  const bool well_formed =
      starts_with(name, "MANIFEST-") && name.size() > 9 &&
      std::all_of(name.begin() + 9, name.end(), [](unsigned char c) { return std::isdigit(c); });
  if (current.empty()) return "CURRENT (the file naming the store's MANIFEST) is empty";
  if (!well_formed) return "CURRENT (the file naming the store's MANIFEST) does not name one";
  std::error_code ec;
  const auto size = fs::file_size(dir / name, ec);
  if (ec) return "CURRENT names " + name + ", which is missing";
  if (size == 0) return "CURRENT names " + name + ", which is empty";
  return "";
}

void check_marker_file(const fs::path& dir) {
  const std::string text = read_small_file(dir, dir / kMarkerFileName, 256);
  if (text == kMarkerFileText) return;
  if (starts_with(text, "regionkv store format "))
    refuse(dir, "unsupported regionkv format (" + std::string(kMarkerFileName) + " says '" +
                    text.substr(0, text.find('\n')) + "'): written by a newer release");
  refuse_damaged_store(dir, std::string(kMarkerFileName) + " (the regionkv format marker) is damaged");
}

}  // namespace

StoreDirectory classify_store_directory(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) refuse(dir, ec.message());
  if (!fs::exists(status)) return {DirectoryKind::kMissing};
  if (!fs::is_directory(status)) return {DirectoryKind::kNotADirectory};

  bool has_current = false, has_marker = false, has_data = false;
  std::string foreign_file;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    has_current |= name == "CURRENT";
    has_marker |= name == kMarkerFileName;
    has_data |= is_data_file(entry);
    if (foreign_file.empty() && !is_rocksdb_bootstrap_file(name) && !is_data_file(entry) &&
        !is_regionkv_file(name) && !name.ends_with(".log"))
      foreign_file = name;
  }
  if (ec) refuse(dir, "cannot list the directory: " + ec.message());
  if (has_marker) check_marker_file(dir);

  if (has_current) {
    const std::string damage = current_file_damage(dir);
    if (!damage.empty() && !has_marker && !has_data)
      return {DirectoryKind::kOtherFiles, status.permissions(), damage + ", and it holds no data"};
    if (!damage.empty()) refuse_damaged_store(dir, damage);
    return {has_marker ? DirectoryKind::kStore : DirectoryKind::kUnmarkedDatabase,
            status.permissions()};
  }
  if (has_data)
    refuse_damaged_store(dir, "CURRENT (the file naming the store's MANIFEST) is missing, "
                              "while the store's files are there");
  if (!foreign_file.empty())
    return {DirectoryKind::kOtherFiles, status.permissions(),
            "the directory holds other files, such as " + foreign_file};
  return {DirectoryKind::kNew, status.permissions()};
}

void verify_unmarked_database(const fs::path& dir, const StoreRocksDBOptions& options) {
  const std::string what = "cannot open store " + dir.string();
  const auto check = [&](const rocksdb::Status& status) {
    if (status.IsCorruption()) refuse_damaged_store(dir, status.ToString());
    check_status(status, what);
  };
  std::vector<std::string> names;
  check(rocksdb::DB::ListColumnFamilies(options.db, dir.string(), &names));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, options.family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::OpenForReadOnly(options.db, dir.string(), descriptors, &handles, &raw));
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto close = [&] {
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    handles.clear();
  };
  std::string marker;
  const rocksdb::Status got =
      db->Get(rocksdb::ReadOptions(), std::string(kFormatMarkerKey), &marker);
  if (got.ok() && marker == kFormatMarkerValue) return close();
  if (got.ok()) {
    close();
    refuse(dir, "unsupported regionkv format '" + marker + "'");
  }
  if (!got.IsNotFound()) {
    close();
    check_status(got, what);
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  const bool blank = names.size() == 1 && !it->Valid() && it->status().ok();
  it.reset();
  close();
  if (!blank)
    refuse(dir, "not a regionkv store (a RocksDB database without the regionkv format "
                "marker); nothing in it was changed");
}

void write_file_durably(const fs::path& dir, const std::string& name, std::string_view text) {
  const fs::path temporary = dir / (name + ".tmp");
  const auto fail = [&](const std::string& step) {
    const std::string why = std::error_code(errno, std::generic_category()).message();
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw StorageError("cannot write " + (dir / name).string() + ": " + step + ": " + why);
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("create");
  if (::fchmod(fd, 0600) != 0) {  // 0600 whatever the umask
    ::close(fd);
    fail("chmod");
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) fail(written ? "fsync" : "write");
  if (::rename(temporary.c_str(), (dir / name).c_str()) != 0) fail("rename");
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || ::fsync(dir_fd) != 0) {
    if (dir_fd >= 0) ::close(dir_fd);
    fail("fsync of the directory");
  }
  ::close(dir_fd);
}

void write_marker_file(const fs::path& dir) {
  write_file_durably(dir, kMarkerFileName, kMarkerFileText);
}

}  // namespace regionkv::engine
