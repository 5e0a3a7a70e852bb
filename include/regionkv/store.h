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
// (RocksDB's would wait for ever for the parent's threads;
// engine/forked_child_exit.h); handlers it registers itself still run.
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
  friend struct StoreInternals;  // region/store_internals.h
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace regionkv

#endif  // REGIONKV_STORE_H_
