// How a Store is opened: durability, the sweeper's pace, the clock, how much
// memory and disk RocksDB may use, and where the store reports what it does
// not throw.
//
// The memory a store's RocksDB uses is about block_cache_bytes +
// memtable_budget_bytes, whatever its number of regions, plus a few KB per
// table file; its write-ahead log stays near max_wal_bytes.
// docs/benchmarks.md measures each bound.
#ifndef REGIONKV_STORE_OPTIONS_H_
#define REGIONKV_STORE_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "regionkv/time_source.h"

namespace regionkv {

enum class Durability {
  // Default. Each write reaches the RocksDB write-ahead log before it is
  // acknowledged, so it survives kill -9 of the process (not a power loss).
  kProcessCrash,
  // The log is fsynced before a write is acknowledged: survives power loss.
  // Slower; concurrent writers share one fsync (docs/reliability.md).
  kPowerLoss,
};

struct StoreOptions {
  // false: opening a missing directory throws StorageError.
  // Default: true. A directory the store creates is made mode 0700, and
  // every file the store writes is mode 0600: no other user can read what
  // it holds.
  bool create_if_missing = true;

  // Default: kProcessCrash.
  Durability durability = Durability::kProcessCrash;

  // How often the background sweeper deletes expired records. 0: no
  // sweeper (reads still hide expired values).
  // Default: 1 s.
  std::chrono::milliseconds sweep_interval{1000};

  // null: the system clock.
  // Default: null.
  std::shared_ptr<TimeSource> time_source;

  // ---- Memory and disk ----------------------------------------------------
  // Each bound holds for the whole store, whatever its number of regions.
  // Changing any of them between opens is safe: none changes what is
  // stored, and a store written with other values (or by an earlier
  // release) opens and reads as before.

  // Bytes of the one block cache every region shares (a RocksDB LRU cache):
  // recently read data blocks, and the index and Bloom filter blocks of
  // every table file, which are charged to it.
  // Larger: more reads served from memory. Smaller: less memory.
  // Default: 64 MiB. Must be > 0.
  std::size_t block_cache_bytes = std::size_t{64} << 20;

  // true: every table file's index and filter blocks stay in the block
  // cache while the file lives (about 3 bytes per record at 10 Bloom bits
  // per key; 30 MiB for 10 million records), so a read uses them without
  // fetching or even looking them up; data blocks get what is left of the
  // cache. Once they outgrow block_cache_bytes, memory exceeds it by the
  // difference.
  // false: they are evicted like data blocks, in 4 KiB partitions, so the
  // cache bounds memory whatever the data; each read looks them up in the
  // cache and fetches those evicted: a miss took 2.1× as long, a hit 1.5×,
  // at a million records (docs/benchmarks.md).
  // Default: true.
  bool pin_index_and_filter_blocks = true;

  // Bytes the memtables of all regions may hold together (one RocksDB
  // WriteBufferManager). A region's memtable is flushed to a table file
  // when it reaches half of this, and the oldest is flushed when all of
  // them together near it, so ten idle regions cost nothing once flushed.
  // Larger: fewer, larger flushes, so less compaction under heavy writes.
  // Smaller: less memory, and a smaller write-ahead log to replay at open
  // (see max_wal_bytes).
  // Default: 64 MiB. Must be >= 1 MiB.
  std::size_t memtable_budget_bytes = std::size_t{64} << 20;

  // Bytes of write-ahead log files after which RocksDB flushes the regions
  // whose unflushed writes keep the oldest log file alive, so that it can
  // be deleted (RocksDB's max_total_wal_size). Without it, a region written
  // once and then left idle would keep every log written since, and an
  // open replays the whole log.
  // Larger: fewer forced flushes of barely-written regions. Smaller: less
  // disk, and a faster open (it replays at most about this much).
  // 0: memtable_budget_bytes (a busy region flushes itself at half of it).
  // Default: 0.
  std::uint64_t max_wal_bytes = 0;

  // Bits per key of the whole-key Bloom filter in every table file. A read
  // of an absent key (find, get_or_create's first step) skips each file
  // whose filter says the key is not there, instead of reading one of its
  // blocks. At 10, about 1% of absent keys still read a block per file;
  // each bit costs 1/8 byte per record, in the block cache and on disk.
  // 0: no filters.
  // Default: 10. Must be 0..32. Files keep the filter they were written
  // with until compaction rewrites them.
  int bloom_bits_per_key = 10;

  // ---- Reporting ----------------------------------------------------------

  // Receives one line for each event the store reports without failing a
  // call: a failed background sweep of a region (the sweeper goes on and
  // retries it on its next pass), RocksDB's own error messages (a failed
  // background flush or compaction), and, once per open, a store directory
  // that other users may read (group or other permission bits set; the
  // store opens all the same).
  // May be called from any of the store's threads, also concurrently, and
  // during Store::open: it must be thread-safe and must not call the store.
  // null: each line goes to stderr.
  // Default: null.
  std::function<void(std::string_view message)> log;

  // The sweeper's lines only (see log): when set, failed sweeps are
  // reported here instead of through log. Kept for existing callers; new
  // code sets log.
  // Default: null.
  std::function<void(std::string_view message)> sweep_error_log;
};

}  // namespace regionkv

#endif  // REGIONKV_STORE_OPTIONS_H_
