// Online backups of a store (Store::backup), and what opening one does to
// its fencing counters.
//
// A backup is a RocksDB checkpoint (rocksdb/utilities/checkpoint.h): the
// memtables are flushed, then table files are hard-linked when the backup is
// on the store's file system and copied otherwise, and the MANIFEST and the
// live log are copied up to their size at that moment. Every write
// acknowledged before the call is in a flushed table or in that copied log;
// the log is copied as it was at one instant, so the backup holds a prefix of
// the writes made while it ran. The checkpoint is built in a hidden sibling
// of the target, given the regionkv marker file and the restore marker below,
// checked with a read-only open (the WAL tracking of
// track_and_verify_wals_in_manifest included), and only then renamed to the
// target, which must not exist; the parent directory is synced. A failed
// backup removes its sibling and leaves the target as it was.
//
// The restore marker (kRestoreMarkerFileName) says "this directory was a
// backup". The first read-write open of it raises every region's reserved
// fencing bound to at least the wall clock in microseconds (as a repair does,
// region/repair.cc), so tokens handed out by the original store after the
// backup was taken are not handed out again; then it removes the marker.
#ifndef REGIONKV_ENGINE_BACKUP_H_
#define REGIONKV_ENGINE_BACKUP_H_

#include <rocksdb/db.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

#include "engine/rocksdb_options.h"

namespace regionkv::engine {

inline constexpr char kRestoreMarkerFileName[] = "REGIONKV-BACKUP";

// Writes a backup of `db`, the store in `store_dir`, into `dir`. Throws
// StorageError if `dir` exists (then nothing was written) or the backup
// fails (then nothing is left at `dir` nor beside it).
void create_backup(rocksdb::DB& db, const std::filesystem::path& store_dir,
                   const std::filesystem::path& dir, const StoreRocksDBOptions& options);

// If `dir` holds the restore marker: raises every region's reserved fencing
// bound in `db` (the store opened from `dir`) to at least the wall clock in
// microseconds, durably, then removes the marker and syncs `dir`. Returns
// the bound the tokens continue above, 0 if there was no marker. Throws
// StorageError; the marker then stays, and the next open tries again.
std::uint64_t continue_fencing_after_restore(rocksdb::DB& db, const std::filesystem::path& dir);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_BACKUP_H_
