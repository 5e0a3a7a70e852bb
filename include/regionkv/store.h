// A store: the regions of a program. Store::open keeps them in one directory
// (RocksDB); Store::open_remote has no directory, for regions that live on
// redis, memcached or memory only.
#ifndef REGIONKV_STORE_H_
#define REGIONKV_STORE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/region.h"
#include "regionkv/stats.h"
#include "regionkv/store_options.h"
#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

namespace regionkv {

// Thread-safe. One process at a time may hold a store directory open, and
// one Store per process: the directory is the store, whatever the spelling
// of its path (relative, with "." or "..", through a symlink).
// The destructor stops the sweeper and closes the store cleanly; Regions,
// Locks and references from the store must not be used after it.
//
// fork(): a child's copy of a Store (with a directory or without), its
// Regions and its Locks throws StorageError on every call (Region::name()
// and configured(), and Lock's accessors, which only read the copy,
// excepted) and touches no file or connection; its destructor leaves the
// store to the parent. Open the store in each worker after fork, or keep
// what workers share in regions on the redis or memcached backing store of
// a Store::open_remote() each worker opens after fork. Once a process has
// opened a store with open(), a child it forks ends exit() without running
// the exit handlers and static destructors inherited from before the fork
// (RocksDB's would wait for ever for the parent's threads); handlers it
// registers itself still run.
class Store {
 public:
  // Opens (or creates) the store in `dir`, reopening every region's column
  // family. Throws StorageError if the directory is held by another handle
  // in this process (the message names the path it was opened by) or by
  // another process (the message names its pid), may not be written by this
  // user, is missing while create_if_missing is false, is a file, or holds
  // something that is not a regionkv store; Corruption if the store is
  // damaged (the message says what, and how to repair it:
  // docs/reliability.md). An open that throws leaves every file in the
  // directory as it was.
  static std::unique_ptr<Store> open(const std::filesystem::path& dir,
                                     StoreOptions options = {});

  // Opens a store without a directory: what each of several worker
  // processes opens to share regions on redis or memcached. Its regions
  // live on redis, memcached, memory or a registered store; configuring one
  // on rocksdb (the default backing_store) throws ConfigError. It opens no
  // RocksDB and writes no file. Of `options`, sweep_interval (the sweeper
  // goes over its configured memory regions), time_source, log and
  // sweep_error_log apply; the rest concern RocksDB and are ignored.
  // Several may be open in one process. Throws std::invalid_argument for a
  // negative sweep_interval.
  static std::unique_ptr<Store> open_remote(StoreOptions options = {});

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // The region named `name` (the seed's get_key_value_store): the same object
  // each time. Throws std::invalid_argument for an invalid name: empty,
  // "default", over 200 bytes, or containing NUL.
  Region& region(std::string_view name);

  // RocksDB-backed regions in the store, sorted; empty for a store from
  // open_remote().
  std::vector<std::string> region_names() const;

  // One synchronous sweep pass over every region, without a time budget:
  // removes every record expired by now (no-expiry keys spared), including
  // lock records whose lease has run out, from RocksDB regions configured in
  // this process or not and from configured memory regions. Returns records
  // removed. Runs in the caller's thread; safe while writers and the
  // background sweeper run.
  std::size_t sweep_now();
  SweepStats sweep_stats() const;

  // Writes a consistent copy of every region — values, lock records and
  // fencing counters — into the new directory `dir`, while writers run. Every
  // write acknowledged before the call is in it (under either Durability);
  // of writes made during the call it holds a prefix, in the order they were
  // made; none acknowledged after it returns. Table files are hard-linked
  // when `dir` is on the store's file system and copied otherwise; the rest
  // (MANIFEST, the live log) is copied. The copy is built in a hidden sibling
  // of `dir` and renamed into place, so a crash or failure leaves no partial
  // directory at `dir`. The backup opens as a store of its own (Store::open)
  // and regionkv-dump reads it; the first open raises its fencing counters
  // above anything the original may have issued since the backup
  // (docs/operations.md, "Backup and restore"). Throws StorageError if `dir`
  // exists (even empty), its parent does not, the store has no directory
  // (open_remote), or the copy fails; a refused or failed call leaves `dir`
  // as it was and changes nothing in the store.
  void backup(const std::filesystem::path& dir);

  // Removes the RocksDB region `name` — its column family, values and lock
  // records — from the store; its table files are deleted from the disk, and
  // region_names() and regionkv-dump no longer show it. Durable when it
  // returns, even if the process is then killed. A region created again
  // under the name starts empty, with fencing tokens above the dropped one's.
  // Waits for a sweep step of the region in progress. Throws
  // std::invalid_argument for an invalid name or one the store has no
  // RocksDB region of; ConfigError if this process has called region(name)
  // (the Region object, its configuration and any Lock it handed out live
  // as long as the store); StorageError if RocksDB fails. A refused or failed
  // call changes nothing.
  void drop_region(std::string_view name);

  // Every figure an operator watches, as of now (include/regionkv/stats.h):
  // each region's reads, writes and locks, the sweeper's work, and the
  // RocksDB engine's memory and disk (all zero for a store from
  // open_remote()). Cheap: a few RocksDB properties and a sum of counters
  // per region. Thread-safe.
  StoreStats stats() const;

  // False in a child forked after the store was opened (see above).
  bool opened_in_this_process() const;

  // The directory it was opened with; empty for a store from open_remote().
  const std::filesystem::path& directory() const;
  const StoreOptions& options() const;
  // The clock every region of this store reads.
  const std::shared_ptr<const TimeSource>& time_source() const;

 private:
  friend struct StoreInternals;
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace regionkv

#endif  // REGIONKV_STORE_H_
