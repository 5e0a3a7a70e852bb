// Repairing a damaged store: what regionkv-repair does.
//
//   regionkv::RepairReport report = regionkv::repair_store(dir);
//   // report.copy: the store as it was; report.regions: what came back
//
// A store RocksDB reports damaged (Store::open throws Corruption) can be
// repaired in place with RocksDB's repair, which keeps every record it can
// read and drops the rest: a table file that does not read whole is set
// aside, a write-ahead log is replayed past its bad records. Records can be
// lost, and a record overwritten or erased in a dropped file can come back
// as it was before. So repair_store is a deliberate act, and undoable:
//
//  1. It refuses a directory that holds no RocksDB files at all, and a store
//     another process (or this one) holds open, changing nothing.
//  2. It copies the whole directory, every file in it, to a sibling
//     "<dir>.before-repair-<UTC time>", fsynced, and changes nothing if the
//     copy fails. Moving that copy back undoes the repair.
//  3. It replays the write-ahead logs into table files as Store::open would,
//     past bad records, if the MANIFEST still reads, then runs RocksDB's
//     RepairDB on `dir` with the store's own options, naming every region
//     the MANIFEST still names (regions it cannot name come back from their
//     table files). If RepairDB fails on logs it could not replay first, it
//     puts the copy back and tries once more with the logs set aside, losing
//     what only they held; if RepairDB fails all the same, it puts the copy
//     back and fails (RocksDB 7.8's repair can, on logs it cannot replay).
//  4. It writes the regionkv format marker again if the repair lost it: the
//     caller asserts that the directory is a regionkv store. It raises every
//     region's fencing-token reservation to the clock in microseconds, so
//     that no token handed out before is handed out again.
//  5. It opens the repaired store as Store::open does, and counts what each
//     region holds.
//
// RocksDB moves what it sets aside (the old MANIFEST, every log it replayed,
// every table file it could not read) into `dir`/lost; the copy holds them
// too, as they were. docs/reliability.md walks through a repair.
#ifndef REGIONKV_REPAIR_H_
#define REGIONKV_REPAIR_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/errors.h"

namespace regionkv {

struct RepairOptions {
  // RocksDB's messages while it repairs, at warning level and above (a
  // table file it sets aside, log bytes it drops), one line each, prefixed
  // "rocksdb: ". Default (null): standard error.
  std::function<void(std::string_view)> log;
};

// What a region holds after the repair.
struct RecoveredRegion {
  std::string name;
  std::size_t value_records = 0;    // expired ones included, until swept
  std::size_t lock_records = 0;     // whatever their lease
  std::size_t corrupt_records = 0;  // stored entries that do not decode
};

struct RepairReport {
  std::filesystem::path copy;            // the directory as it was
  std::vector<RecoveredRegion> regions;  // every region of the repaired store, by name
  // Regions the MANIFEST named before the repair of which nothing came back
  // (their records were all in files RocksDB could not read, or only in the
  // write-ahead log: RocksDB replays a log only into regions it found a table
  // file of). Empty when the MANIFEST could not be read.
  std::vector<std::string> lost_regions;
  // Table files RocksDB could not read and set aside in `dir`/lost.
  std::vector<std::string> tables_set_aside;
  // The write-ahead logs could not be replayed (the MANIFEST was unreadable)
  // and RocksDB's repair failed on them; it succeeded without them (set
  // aside in `dir`/lost): records only in a log were lost.
  bool logs_dropped = false;
  bool format_marker_written = false;  // the repair had lost it
  // Every region's fencing tokens continue above this, the clock in
  // microseconds at the repair: the repair may have lost how far a region's
  // tokens had got, and a token must never be handed out twice.
  std::uint64_t fencing_tokens_above = 0;
  std::chrono::milliseconds took{0};  // copy, repair and count
};

// Repairs the store in `dir`; see the top of this file. Throws NotAStore
// (`dir` is missing, not a directory, or holds no RocksDB file) and
// StorageError (another process holds the store open; the copy cannot be
// made) having changed nothing; throws StorageError or Corruption if the
// repair, or opening the repaired store, fails, with the copy's path in the
// message. Not to be run twice at once on one directory.
RepairReport repair_store(const std::filesystem::path& dir, const RepairOptions& options = {});

}  // namespace regionkv

#endif  // REGIONKV_REPAIR_H_
