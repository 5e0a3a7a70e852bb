#include "engine/directory_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
  throw fs::filesystem_error(what, path, std::error_code(error, std::generic_category()));
}

// Flushes a file or directory to the disk.
void sync(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open to sync", path, errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) fail("cannot sync", path, error);
}

// Creates `dir`, failing if it exists, with the permissions of `like`.
bool make_directory_like(const fs::path& dir, const fs::path& like) {
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return false;
    fail("cannot create directory", dir, errno);
  }
  fs::permissions(dir, fs::status(like).permissions(), fs::perm_options::replace);
  return true;
}

// A name beside `from` that nobody has taken, created.
fs::path reserve_copy_name(const fs::path& from, const std::string& suffix) {
  const std::string base = from.string() + suffix;
  fs::path copy = base;
  for (int n = 2; !make_directory_like(copy, from); ++n) copy = base + "-" + std::to_string(n);
  return copy;
}

void copy_contents(const fs::path& from, const fs::path& to) {
  for (const auto& entry : fs::directory_iterator(from)) {
    const fs::path target = to / entry.path().filename();
    const fs::file_status status = entry.symlink_status();
    if (fs::is_symlink(status)) {
      fs::copy_symlink(entry.path(), target);
    } else if (fs::is_directory(status)) {
      make_directory_like(target, entry.path());
      copy_contents(entry.path(), target);
      sync(target);
    } else if (fs::is_regular_file(status)) {
      fs::copy_file(entry.path(), target);  // contents and permissions
      sync(target);
    } else {
      fail("cannot copy (not a regular file, directory or link)", entry.path(), EINVAL);
    }
  }
}

}  // namespace

void restore_directory(const fs::path& dir, const fs::path& copy) {
  for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
  copy_contents(copy, dir);
  sync(dir);
}

fs::path copy_directory_aside(const fs::path& from, const std::string& suffix) {
  const fs::path source = from.has_filename() ? from : from.parent_path();  // "a/b/"
  fs::path copy = reserve_copy_name(source, suffix);
  try {
    copy_contents(source, copy);
    sync(copy);
    sync(copy.has_parent_path() ? copy.parent_path() : fs::path("."));
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(copy, ignored);
    throw;
  }
  return copy;
}

}  // namespace regionkv::engine
