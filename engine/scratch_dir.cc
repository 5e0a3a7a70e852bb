#include "engine/scratch_dir.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

// The pid in "regionkv-inspect-<pid>-XXXXXX"; nullopt for any other name,
// including the pid-less names of earlier versions (their owner is unknown).
std::optional<pid_t> owner_pid(std::string_view name) {
  if (name.substr(0, sizeof kScratchDirPrefix - 1) != kScratchDirPrefix) return std::nullopt;
  name.remove_prefix(sizeof kScratchDirPrefix - 1);
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (error != std::errc() || pid <= 0 || end == name.data() + name.size() || *end != '-')
    return std::nullopt;
  return pid;
}

bool process_is_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

bool abandoned(const fs::directory_entry& entry) {
  const auto pid = owner_pid(entry.path().filename().string());
  if (!pid || !process_is_gone(*pid)) return false;
  struct stat status {};
  if (::lstat(entry.path().c_str(), &status) != 0 || !S_ISDIR(status.st_mode) ||
      status.st_uid != ::geteuid())
    return false;
  std::error_code ec;
  const auto changed = fs::last_write_time(entry.path(), ec);
  return !ec && fs::file_time_type::clock::now() - changed >= kAbandonedScratchAge;
}

void remove_abandoned(const fs::path& temp_dir) {
  std::error_code ec;
  for (fs::directory_iterator it(temp_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!abandoned(*it)) continue;
    std::error_code ignored;  // best effort: another inspection may race us to it
    fs::remove_all(it->path(), ignored);
  }
}

}  // namespace

fs::path make_scratch_dir() {
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec) throw StorageError("cannot find the temp directory: " + ec.message());
  remove_abandoned(base);
  std::string pattern =
      (base / (kScratchDirPrefix + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw StorageError("cannot make a scratch directory under " + base.string() + ": " +
                       std::strerror(errno));
  return pattern;
}

}  // namespace regionkv::engine
