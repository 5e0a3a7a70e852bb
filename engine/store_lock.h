// Who holds a store, and the error that names them.
//
// A store is its directory, whatever the path's spelling: a process holds
// one handle per store, found by the directory's device and inode (RocksDB
// itself compares path strings, so "dir", "dir/." and a symlink would open
// one database twice and destroy it). Across processes the lock is RocksDB's
// own: an fcntl lock on DIR/LOCK, taken here first so that a refusal can say
// which process holds it (F_GETLK names it) and what to do. The holder also
// leaves an owner record beside it (DIR/REGIONKV-OWNER: pid, host, program,
// when) for the message; the kernel's answer decides, the record only adds
// detail when its pid agrees.
#ifndef REGIONKV_ENGINE_STORE_LOCK_H_
#define REGIONKV_ENGINE_STORE_LOCK_H_

#include <cstdint>
#include <filesystem>
#include <memory>

namespace regionkv::engine {

inline constexpr char kOwnerRecordName[] = "REGIONKV-OWNER";

// Not thread-safe; one per open Engine.
class StoreLock {
 public:
  // Takes the store in `dir` (an existing directory) for this handle.
  // Throws StorageError: the store is open in this process already (the
  // message names the path it was opened by), held by another process (the
  // message names its pid and the ways out), or this user may not write its
  // LOCK file (a permission problem, said as one). Changes nothing in `dir`
  // but creating LOCK where there was none.
  static std::unique_ptr<StoreLock> acquire(const std::filesystem::path& dir);

  // Releases the lock and the handle's claim on the directory. REQUIRES:
  // RocksDB has closed the database (closing any descriptor of LOCK drops
  // the whole process's lock on it).
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  // For an open that refuses: removes LOCK again if acquire() created it, so
  // the directory is left as it was.
  void undo_created_files();
  // Writes the owner record (pid, host, program, time). Best effort: a
  // store whose record cannot be written still opens.
  void write_owner_record() const;

 private:
  StoreLock(std::filesystem::path dir, std::uint64_t device, std::uint64_t inode, int fd,
            bool created_lock_file);

  std::filesystem::path dir_;
  std::uint64_t device_;  // the directory's identity in this process
  std::uint64_t inode_;
  int fd_;
  bool created_lock_file_;
};

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_STORE_LOCK_H_
