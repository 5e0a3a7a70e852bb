// Inspecting a store from outside its owner: what the dump tool shows.
//
//   regionkv::InspectOptions options;
//   options.region = "tokens";
//   regionkv::StoreSnapshot snapshot = regionkv::inspect_store(dir, options);
//   for (const auto& record : snapshot.regions[0].records) ...
//
// inspect_store reads the store as a RocksDB secondary instance: it works
// while another process has the store open (and keeps writing), sees every
// write acknowledged before it starts, and never writes into the store
// directory. The secondary instance keeps its own files in a scratch
// directory under the system temp directory (std::filesystem::
// temp_directory_path(), so $TMPDIR), "regionkv-inspect-<pid>-XXXXXX",
// removed before inspect_store returns or throws. One left by a process killed
// while inspecting is removed by the next inspection in that temp directory,
// once the process is gone and the directory is a minute old.
//
// The snapshot holds every listed record in memory: for a very large store,
// set InspectOptions::limit (counts and stored bytes are still complete).
//
// It reads stored records as they are: keys are the stored (mangled) keys, and
// a region's configuration (its mangler, its expire_time) is unknown to it, so
// expiry is the one each record carries -- except for the region's no-expiry
// keys as the store persisted them when the region was last configured
// (docs/format.md): their values are live whatever their expiry says, as
// reads see them.
//
// Damage is never hidden. RocksDB's secondary instance opens a damaged store
// as it was before the damage (a table file missing, short or unreadable)
// without a word, so inspect_store also opens the store read-only the way
// Store::open does, and fails where Store::open would; a scan reports a
// block whose checksum fails. By default the error is thrown; a tool that
// shows what is readable asks for what was read and the error instead
// (InspectOptions::on_read_error).
#ifndef REGIONKV_INSPECT_H_
#define REGIONKV_INSPECT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "regionkv/errors.h"
#include "regionkv/stats.h"
#include "regionkv/time_source.h"

namespace regionkv {

// A value record.
struct InspectedRecord {
  std::string key;                      // stored, i.e. mangled
  std::string value;                    // the value's bytes
  std::optional<TimePoint> expires_at;  // as stored; nullopt: never expires
  bool expired = false;                 // expires_at <= now, and not no_expiry
  // The stored key is one of the region's no-expiry keys as the store
  // persisted them: the value never expires, whatever expires_at says.
  // (Last, so that initialisers written before it still mean what they did.)
  bool no_expiry = false;
};

struct InspectOptions {
  // Only this region. Default: every region. A region the store does not
  // hold throws NotFound (the message lists the regions it does hold).
  std::optional<std::string> region;
  // Only lock records: RegionSnapshot::records stays empty.
  bool locks_only = false;
  // Also list value records whose expiry has passed (hidden by default, as
  // reads hide them). Lock records are always listed, whatever their lease.
  bool include_expired = false;
  // At most this many records, and this many locks, per region (in stored
  // key order). Default: no limit. Counts are never limited.
  std::optional<std::size_t> limit;
  // Only what is stored at this stored key (mangled, as the records show
  // it): its value record and its lock record ("_lock" + key), if any. The
  // scan seeks to them instead of reading the region, and the counts and
  // stored_bytes count them alone. A key that starts with "_lock" is itself a
  // lock record's key: inspect_store throws std::invalid_argument.
  std::optional<std::string> stored_key;
  // When set, each value record that would be listed goes to it as soon as
  // it is read, in stored key order, instead of into RegionSnapshot::records:
  // the snapshot of a large store then stays small (regionkv-dump --format
  // jsonl). Called on the thread that called inspect_store; `region` is the
  // region's name. It should not throw: an exception it throws ends
  // inspect_store (with OnReadError::kReturnWhatWasRead, a Corruption or
  // StorageError it throws is taken for a read error).
  std::function<void(const std::string& region, const InspectedRecord& record)> on_record;
  // The time expiry and leases are judged against. Default: the system clock
  // when inspect_store is called.
  std::optional<TimePoint> now;
  // Also read every block of every table file of the store, of every region
  // whatever `region` says, with its checksum checked (RocksDB's
  // VerifyChecksum), and each whole table file against the checksum the
  // store recorded for it, where it recorded one (VerifyFileChecksums). A
  // listing reads only the data blocks of the regions it lists. Default:
  // off; it reads the whole store once more.
  bool verify = false;
  // What happens when RocksDB reports an error once reading has begun: see
  // OnReadError. Errors before anything could be read (no store, no such
  // region, a store RocksDB cannot open at all) are thrown either way.
  enum class OnReadError {
    // Throw it (Corruption for damage, else StorageError). Default: a
    // snapshot never lacks silently what damage hid.
    kThrow,
    // Return what was read, with StoreSnapshot::error saying what failed.
    kReturnWhatWasRead,
  };
  OnReadError on_read_error = OnReadError::kThrow;
};

// A lock record ("_lock" + the stored key it protects).
struct InspectedLock {
  std::string key;  // the protected stored key, without the "_lock" prefix
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;                // millisecond precision
  std::chrono::milliseconds lease{0};   // 0: never runs out
  std::optional<TimePoint> lease_ends;  // acquired_at + lease; nullopt if never
  bool lease_expired = false;           // lease_ends <= now: free to take over
};

// A record that fails validation. Inspection goes on past it: a dump is most
// needed when something is wrong.
struct CorruptRecord {
  std::string key;     // as stored, including any "_lock" prefix
  std::string reason;  // e.g. "corrupt record: checksum mismatch"
};

struct RegionSnapshot {
  std::string name;
  // Every value record live at `now`, and every expired one.
  std::size_t live_record_count = 0;
  std::size_t expired_record_count = 0;
  std::size_t lock_count = 0;
  // Keys plus encoded records (headers included) of everything the region's
  // column family holds: values, expired values, locks and corrupt records.
  // The logical size, before RocksDB's compression and overheads.
  std::uint64_t stored_bytes = 0;

  // In stored key order, filtered and limited per InspectOptions.
  std::vector<InspectedRecord> records;
  std::vector<InspectedLock> locks;
  std::vector<CorruptRecord> corrupt;  // never limited
};

// The error that InspectOptions::OnReadError::kThrow would have thrown.
struct ReadError {
  bool damage = false;  // true: a Corruption; false: a StorageError (I/O)
  std::string message;  // the exception's what(): names the file, region
};

struct StoreSnapshot {
  TimePoint now;                        // what expiry was judged against
  std::vector<RegionSnapshot> regions;  // sorted by name
  // Only with OnReadError::kReturnWhatWasRead: the first error RocksDB
  // reported, and then `regions` holds what could be read despite it:
  // - a scan that failed (a block whose checksum fails): the region up to
  //   that block, its counts included; every other region whole;
  // - a table file missing, short or unreadable: every region as RocksDB's
  //   secondary instance reads it, i.e. as it was before that file was
  //   written (later writes still in the write-ahead log included);
  // - a bad write-ahead log record: the store as it was up to that record
  //   (RocksDB's point-in-time recovery), when RocksDB can read that far;
  // - damage found by `verify` only: every region whole.
  std::optional<ReadError> error;
};

// The on-disk figures of the store in `dir`, read the same way (also while
// another process holds it open): StoreStats::engine per region and in all —
// table files, the write-ahead log, what the log holds in memtables, RocksDB's
// estimates of records and of pending compaction — and the regions by name
// (RegionStats with only the name: the counters are a running process's).
// No block cache figures: they belong to the process that owns the store.
// Throws as inspect_store does with OnReadError::kThrow.
StoreStats inspect_store_stats(const std::filesystem::path& dir);

// Reads the store in `dir` without changing it; see the top of this file.
// Throws NotAStore, NotFound (options.region is not in the store),
// StorageError (the directory cannot be read, the scratch directory cannot be
// made, RocksDB fails) or Corruption (RocksDB's own files are damaged:
// wherever Store::open would report Corruption, and wherever a scan or
// options.verify finds it); with OnReadError::kReturnWhatWasRead, an error
// once reading has begun is returned in StoreSnapshot::error instead. A
// damaged regionkv record is listed in RegionSnapshot::corrupt. Thread-safe.
StoreSnapshot inspect_store(const std::filesystem::path& dir, const InspectOptions& options = {});

// The no-expiry keys (stored keys, i.e. hashed through the region's mangler)
// that the store in `dir` persisted for `region` when it was last configured;
// nullopt if the store holds no such region, or no such set for it (the
// sweeper then spares every value of the region). Reads as inspect_store
// does, also while another process holds the store; throws as inspect_store
// does with OnReadError::kThrow. For a tool that must configure the region
// without losing the set (regionkv-load).
std::optional<std::set<std::string>> inspect_no_expiry_keys(const std::filesystem::path& dir,
                                                            const std::string& region);

}  // namespace regionkv

#endif  // REGIONKV_INSPECT_H_
