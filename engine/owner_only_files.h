// Store files no other user can read.
//
// RocksDB creates its files mode 0644 and offers no option for that in the
// release Debian ships (7.8). owner_only_env() is the default environment
// with a file system that creates every file mode 0600 and every directory
// mode 0700 (a umask may only remove more), so a store's data is the
// owner's alone even where the directory above it is open to others. It
// creates a file before RocksDB opens it, instead of changing its mode
// after: a file is never readable by others, not even for an instant,
// since another user's open(2) would keep working after a later chmod.
// Files that already exist get mode 0600 when RocksDB opens them to write.
#ifndef REGIONKV_ENGINE_OWNER_ONLY_FILES_H_
#define REGIONKV_ENGINE_OWNER_ONLY_FILES_H_

#include <rocksdb/env.h>

#include <filesystem>

namespace regionkv::engine {

// The process's one such environment: never destroyed, thread-safe.
rocksdb::Env* owner_only_env();

// Creates `dir` mode 0700 (exactly, whatever the umask), its missing parents
// as std::filesystem::create_directories would. Throws
// std::filesystem::filesystem_error.
void create_owner_only_directory(const std::filesystem::path& dir);

// Whether users other than the owner have any permission on `mode`.
inline bool others_may_access(std::filesystem::perms mode) {
  using std::filesystem::perms;
  return (mode & (perms::group_all | perms::others_all)) != perms::none;
}

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_OWNER_ONLY_FILES_H_
