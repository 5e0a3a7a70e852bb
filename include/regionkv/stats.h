// What a store has done and what it holds, for the people who operate it:
// Store::stats() takes a snapshot, to_prometheus() and to_json() render it
// (docs/operations.md says what each figure means and what healthy looks
// like).
//
//   std::string body = regionkv::to_prometheus(store->stats());  // for /metrics
//
// Counters count since the store was opened and only go up; the other
// figures are as of the snapshot. Counting is always on: each call adds to
// one counter of its region (a relaxed atomic add on a cache line of the
// calling thread's own), which the benchmarks show within noise.
#ifndef REGIONKV_STATS_H_
#define REGIONKV_STATS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

namespace regionkv {

// Calls this process made to one memcached or Redis server for a region.
struct ServerStats {
  std::string server;  // "host:port"
  std::uint64_t round_trips = 0;  // calls made to it, failed ones included
  std::uint64_t errors = 0;       // calls that failed (StorageError), timeouts included
  std::uint64_t timeouts = 0;     // calls the server did not answer in time
};

// One region, as this process used it.
struct RegionStats {
  std::string name;
  // The backing store it is configured with; empty if not configured in
  // this process (a RocksDB region of an earlier run: only its on-disk
  // figures then, in EngineStats::regions).
  std::string backing_store;

  // Reads: every key looked up by get, find, get_multi and get_or_create.
  std::uint64_t hits = 0;    // found a live value
  std::uint64_t misses = 0;  // found none
  // Misses that found an expired value, not yet swept (rocksdb and memory;
  // servers expire values themselves, so 0 there).
  std::uint64_t expired_hidden = 0;
  // Keys written (set, locked or not, set_multi's items, get_or_create's
  // creation) and keys erased (erase, erase_multi's keys).
  std::uint64_t writes = 0;
  std::uint64_t deletes = 0;

  // Locks.
  std::uint64_t locks_granted = 0;
  // get_lock calls that found the lock held at least once, and the time they
  // spent waiting, granted in the end or not.
  std::uint64_t lock_waits = 0;
  std::chrono::microseconds lock_wait_time{0};
  std::uint64_t lock_unavailable = 0;  // LockUnavailable thrown
  std::uint64_t lock_timeouts = 0;     // LockTimeout thrown by locked writes
  // Grants that took over a lease that had run out (its holder died or
  // stalled), where the store can tell (rocksdb, memory, redis, and stores
  // on the default locks, lock_backend.h).
  std::uint64_t lock_takeovers = 0;
  // Releases that found the record carrying another holder's token: the
  // releaser had lost its lock to a takeover. Where the store can tell.
  std::uint64_t releases_found_successor = 0;

  // The servers of a memcached or Redis region.
  std::vector<ServerStats> servers;
};

// The store's RocksDB, from its own statistics and properties.
struct EngineStats {
  std::uint64_t block_cache_hits = 0;    // counter
  std::uint64_t block_cache_misses = 0;  // counter
  std::uint64_t block_cache_bytes = 0;   // in use now
  std::uint64_t block_cache_capacity = 0;
  std::uint64_t memtable_bytes = 0;           // every region's memtables
  std::uint64_t wal_bytes = 0;                // live write-ahead log files
  std::uint64_t sst_bytes = 0;                // every region's table files
  std::uint64_t pending_compaction_bytes = 0;  // RocksDB's estimate

  // The same per region (column family), by name.
  struct Region {
    std::string name;
    std::uint64_t memtable_bytes = 0;
    std::uint64_t sst_bytes = 0;
    std::uint64_t pending_compaction_bytes = 0;
    std::uint64_t estimated_keys = 0;  // RocksDB's estimate, records of both kinds
  };
  std::vector<Region> regions;

  // hits / (hits + misses); nullopt before the first block read.
  std::optional<double> block_cache_hit_rate() const;
};

struct StoreStats {
  TimePoint taken_at;
  std::vector<RegionStats> regions;  // sorted by name
  SweepStats sweeper;
  EngineStats engine;
};

// Prometheus' text exposition format (version 0.0.4): one family per figure,
// each with its HELP and TYPE lines, named regionkv_<what>[_total|_bytes|
// _seconds_total], labelled region="..." (and server="..."). Label values
// are escaped as the format requires.
std::string to_prometheus(const StoreStats& stats);

// The same figures as one JSON object (docs/operations.md shows it).
std::string to_json(const StoreStats& stats);

}  // namespace regionkv

#endif  // REGIONKV_STATS_H_
