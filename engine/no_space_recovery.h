// Resuming writes in place once a full disk has room again.
//
// What RocksDB 7.8 does on a full disk (db/error_handler.cc). A write whose
// WAL append fails with "No space left on device", or a flush that cannot
// write its table file, records a hard background error: the database stops
// taking writes, and each later write fails at once with that error until
// the error is cleared (DB::Resume()) or the store is reopened. Reads go on.
// The failed write is in no memtable and its sequence number is not
// published; whatever part of its log record the file system took stays at
// the tail of that log. Resume() waits for background work, flushes every
// column family whose active memtable holds writes (switching to a new log
// first, and writing out the old log's buffer), then clears the error. So
// every acknowledged write is in a table file before a new write is taken,
// and new writes go to a new log, after the torn tail.
//
// Who resumes. By default RocksDB resumes by itself: the SstFileManager every
// database gets runs the same recovery on a thread of its own, at once and
// then every 5 s while it fails, once the file system reports free space. A
// store switches that off (no_space_listener()) and resumes from its write
// path instead, for three reasons:
//   - A write soon after space is freed succeeds: no 5 s wait, and no
//     reliance on the file system reporting free space.
//   - One actor: RocksDB answers Resume() with Busy while its own recovery
//     runs, so the two cannot be mixed.
//   - RocksDB 7.8 cannot resume safely after a failed log append if no
//     active memtable holds a write (the log's first write failed, say right
//     after an open or a flush of every region): it then keeps the failed
//     log, whose writer refuses every append, and the next write aborts the
//     process (an assertion in Debian's build) or turns the error fatal.
//     RocksDB fixed this in 9.x (facebook/rocksdb#12448, #12873). Its own
//     recovery resumes blindly; this one resumes only if some active
//     memtable holds a write, and otherwise leaves the store stopped and
//     says that it must be reopened. (It cannot tell a failed log append
//     from a failed flush, after which resuming would be safe: a write
//     outside the store's write path, or a background flush, fails without
//     its status reaching here. So it takes the safe side.) Once one of its
//     attempts has switched to a new log, the failed log is behind it and
//     later attempts are safe whatever the memtables hold.
//
// The write path, from a failed write only (a write that succeeds costs
// nothing here):
//   - Only no-space failures lead to an attempt; other errors are left to
//     the reopen they need.
//   - One attempt at a time: a writer that finds an attempt running waits
//     for its outcome; if it resumed, the writer writes again without
//     another attempt.
//   - At most one failed attempt per retry_interval: each attempt waits for
//     background work and tries a flush, so a full disk under a steady
//     stream of writes does not run one per write. A write inside the
//     interval after a failed attempt fails at once.
//   - After a successful attempt the writer writes its batch once more; the
//     failed write did not apply it, so the retry applies it once.
//
// What it leaves open. An attempt on a disk that is still full fails its
// flush and the store stays stopped until the next attempt. If creating the
// new log file fails too, RocksDB makes the error fatal and only a reopen
// helps; the write's message then says so. A write whose whole record
// reached the log before the error (a failed fsync rather than a failed
// append) is reported failed, yet a crash before the next successful
// Resume() would replay it at reopen. And RocksDB 7.8 leaves its "stopped"
// flag set after a Resume() (only the error is cleared), so from then on
// each write takes the database mutex once more before it proceeds.
//
// Thread-safe.
#ifndef REGIONKV_ENGINE_NO_SPACE_RECOVERY_H_
#define REGIONKV_ENGINE_NO_SPACE_RECOVERY_H_

#include <rocksdb/db.h>
#include <rocksdb/listener.h>
#include <rocksdb/status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace regionkv::engine {

// Whether `status` reports a full disk: a no-space I/O error, or a write
// stalled behind one that RocksDB recorded as its background error.
bool is_no_space(const rocksdb::Status& status);

// The message of the StorageError for a call that failed on a full disk:
// that the disk is full, and whether writing resumes once space is freed or
// only after a reopen (a fatal severity).
std::string disk_full_message(std::string_view what, const rocksdb::Status& status);

// Switches off RocksDB's own recovery from no-space errors, for
// NoSpaceRecovery to resume instead; other errors keep RocksDB's handling.
// One for every database of the process.
std::shared_ptr<rocksdb::EventListener> no_space_listener();

class NoSpaceRecovery {
 public:
  struct Options {
    // The least time between a failed attempt and the next one.
    std::chrono::milliseconds retry_interval{100};
  };

  struct Stats {
    std::uint64_t attempts = 0;  // calls of DB::Resume()
    std::uint64_t resumed = 0;   // ... that returned OK
  };

  // Whether some column family's active memtable holds a write, so that
  // Resume() switches to a new log.
  using SomeMemtableHoldsWrites = std::function<bool()>;

  NoSpaceRecovery() : NoSpaceRecovery(Options()) {}
  explicit NoSpaceRecovery(Options options) : options_(options) {}
  NoSpaceRecovery(const NoSpaceRecovery&) = delete;
  NoSpaceRecovery& operator=(const NoSpaceRecovery&) = delete;

  // Called with the status of a write to `db` that failed. Returns OK if `db`
  // takes writes again, when the caller may write its batch once more;
  // otherwise the status to fail the write with: `failure` itself (any
  // other error, a disk still full, inside the retry interval), or `failure`
  // made fatal where only a reopen can resume the store.
  rocksdb::Status resume_after(rocksdb::DB& db, const rocksdb::Status& failure,
                               const SomeMemtableHoldsWrites& some_memtable_holds_writes);

  Stats stats() const;

 private:
  const Options options_;
  mutable std::mutex mutex_;  // held for the whole of an attempt
  std::optional<std::chrono::steady_clock::time_point> last_failed_attempt_;  // guarded by mutex_
  std::optional<std::chrono::steady_clock::time_point> last_resumed_;         // guarded by mutex_
  // An attempt switched to a new log since the last successful one.
  bool log_switched_ = false;  // guarded by mutex_
  bool needs_reopen_ = false;  // guarded by mutex_
  Stats stats_;                // guarded by mutex_
};

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_NO_SPACE_RECOVERY_H_
