#include "engine/store_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include "common/fork_guard.h"
#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& dir, const std::string& why) {
  throw StorageError("cannot open store " + dir.string() + ": " + why);
}

std::string errno_text(int error) { return std::error_code(error, std::generic_category()).message(); }

using DirectoryId = std::pair<std::uint64_t, std::uint64_t>;  // device, inode

// The stores open in this process. An entry made before a fork belongs to
// the parent: a child may open that store (if the parent lets go of it).
struct OpenHere {
  std::string opened_as;
  common::ForkGuard guard;
};
std::mutex open_here_mutex;
std::map<DirectoryId, OpenHere>& open_here() {  // guarded by open_here_mutex
  static auto* stores = new std::map<DirectoryId, OpenHere>();
  return *stores;
}

DirectoryId identify(const fs::path& dir) {
  struct stat status{};
  if (::stat(dir.c_str(), &status) != 0) refuse(dir, errno_text(errno));
  return {status.st_dev, status.st_ino};
}

void claim_in_this_process(const fs::path& dir, const DirectoryId& id) {
  std::lock_guard lock(open_here_mutex);
  auto [it, inserted] = open_here().try_emplace(id, OpenHere{dir.string(), {}});
  if (inserted) return;
  if (it->second.guard.inherited()) {  // the parent's; not ours
    it->second = OpenHere{dir.string(), {}};
    return;
  }
  refuse(dir, "the store is already open in this process, as " + it->second.opened_as +
                  " (one Store per store directory per process, whatever the path's "
                  "spelling: share that Store)");
}

void unclaim(const DirectoryId& id) {
  std::lock_guard lock(open_here_mutex);
  open_here().erase(id);
}

std::string program_name() {
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

// "key value" lines of the owner record; empty if there is none.
std::map<std::string, std::string> read_owner_record(const fs::path& dir) {
  std::map<std::string, std::string> fields;
  std::ifstream in(dir / kOwnerRecordName);
  std::string line;
  for (int lines = 0; lines < 16 && std::getline(in, line); ++lines) {
    const auto space = line.find(' ');
    if (space != std::string::npos) fields[line.substr(0, space)] = line.substr(space + 1, 200);
  }
  return fields;
}

std::string describe_holder(const fs::path& dir, pid_t pid) {
  std::string holder = pid > 0 ? "process " + std::to_string(pid) : "another process";
  const auto record = read_owner_record(dir);
  const auto field = [&](const char* name) {
    auto it = record.find(name);
    return it == record.end() ? std::string() : it->second;
  };
  if (pid > 0 && field("pid") == std::to_string(pid)) {
    std::string detail;
    if (!field("program").empty()) detail += field("program");
    if (!field("host").empty()) detail += " on " + field("host");
    if (!field("opened").empty()) detail += ", open since " + field("opened");
    if (!detail.empty()) holder += " (" + detail + ")";
  }
  return holder;
}

[[noreturn]] void refuse_held(const fs::path& dir, int fd) {
  struct flock probe{};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  pid_t pid = 0;
  if (::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK) pid = probe.l_pid;
  refuse(dir, "the store is in use by " + describe_holder(dir, pid) +
                  ". One process at a time holds a store: open it in each worker process "
                  "after fork, not before; or share data between processes through a "
                  "region on the redis or memcached backing store");
}

}  // namespace

std::unique_ptr<StoreLock> StoreLock::acquire(const fs::path& dir) {
  const DirectoryId id = identify(dir);
  claim_in_this_process(dir, id);
  try {
    const fs::path lock_file = dir / "LOCK";
    bool created = false;
    int fd = ::open(lock_file.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      created = fd >= 0;
      if (created) ::fchmod(fd, 0600);  // whatever the umask, as RocksDB's files
    }
    if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
      refuse(dir, "permission denied: this user (uid " + std::to_string(::geteuid()) +
                      ") may not write " + lock_file.string() + " (" + errno_text(errno) +
                      "); a store's directory and files must be writable by the user "
                      "that opens it");
    if (fd < 0) refuse(dir, "cannot open " + lock_file.string() + ": " + errno_text(errno));
    struct flock whole{};
    whole.l_type = F_WRLCK;
    whole.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &whole) != 0) {
      const int error = errno;
      if (error == EACCES || error == EAGAIN) {
        try {
          refuse_held(dir, fd);
        } catch (...) {
          ::close(fd);
          throw;
        }
      }
      ::close(fd);
      if (created) ::unlink(lock_file.c_str());
      refuse(dir, "cannot lock " + lock_file.string() + ": " + errno_text(error));
    }
    return std::unique_ptr<StoreLock>(new StoreLock(dir, id.first, id.second, fd, created));
  } catch (...) {
    unclaim(id);
    throw;
  }
}

StoreLock::StoreLock(fs::path dir, std::uint64_t device, std::uint64_t inode, int fd,
                     bool created_lock_file)
    : dir_(std::move(dir)),
      device_(device),
      inode_(inode),
      fd_(fd),
      created_lock_file_(created_lock_file) {}

StoreLock::~StoreLock() {
  ::close(fd_);
  unclaim({device_, inode_});
}

void StoreLock::undo_created_files() {
  if (created_lock_file_) ::unlink((dir_ / "LOCK").c_str());
  created_lock_file_ = false;
}

void StoreLock::write_owner_record() const {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char opened[32] = {};
  std::strftime(opened, sizeof(opened), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::ostringstream record;
  record << "pid " << ::getpid() << "\nhost " << host_name() << "\nprogram " << program_name()
         << "\nopened " << opened << "\n";
  const fs::path temporary = dir_ / (std::string(kOwnerRecordName) + ".tmp");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  ::fchmod(fd, 0600);  // whatever the umask
  const std::string text = record.str();
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  std::error_code ignored;
  if (written) fs::rename(temporary, dir_ / kOwnerRecordName, ignored);
  if (!written || ignored) fs::remove(temporary, ignored);
}

}  // namespace regionkv::engine
