// A store: one directory holding every region, kept in RocksDB.
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
#include "regionkv/time_source.h"

namespace regionkv {

enum class Durability {
  // Default. Each write reaches the RocksDB write-ahead log before it is
  // acknowledged, so it survives kill -9 of the process (not a power loss).
  kProcessCrash,
  // The log is fsynced before a write is acknowledged: survives power loss.
  // Slower; concurrent writers share one fsync.
  kPowerLoss,
};

struct StoreOptions {
  // false: opening a missing directory throws StorageError.
  bool create_if_missing = true;
  Durability durability = Durability::kProcessCrash;
  // How often the background sweeper deletes expired records. 0: no
  // sweeper (reads still hide expired values).
  std::chrono::milliseconds sweep_interval{1000};
  // null: the system clock.
  std::shared_ptr<TimeSource> time_source;
  // Receives one line for each failed sweep of a region (the sweeper goes on
  // and retries it on its next pass). Called from the sweeping thread. null:
  // the line goes to stderr.
  std::function<void(std::string_view message)> sweep_error_log;
};

// What the sweeper has done since the store was opened: the background
// sweeper and sweep_now() together. docs/expiry.md describes the sweeper.
struct SweepStats {
  // Expired records removed: values past their expiry and lock records whose
  // lease had run out.
  std::uint64_t records_swept = 0;
  // Passes run, and how many of them stopped at their time budget (a
  // background pass may use 10% of sweep_interval; the next one resumes
  // where it stopped).
  std::uint64_t passes = 0;
  std::uint64_t passes_cut_short = 0;
  // Wall time of the most recent pass; zero before the first.
  std::chrono::microseconds last_pass_duration{0};
  // Failed sweeps of a region (each logged, then retried next pass), and the
  // message of the latest; empty if none.
  std::uint64_t errors = 0;
  std::string last_error;
};

namespace engine {
class Engine;
}

// Thread-safe. One process at a time may hold a store directory open.
// The destructor stops the sweeper and closes the store cleanly; Regions,
// Locks and references from the store must not be used after it.
class Store {
 public:
  // Opens (or creates) the store in `dir`, reopening every region's column
  // family. Throws StorageError if the directory is held by another handle
  // or process, is missing while create_if_missing is false, is a file, or
  // holds something that is not a regionkv store.
  static std::unique_ptr<Store> open(const std::filesystem::path& dir,
                                     StoreOptions options = {});

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // The region named `name` (the seed's get_key_value_store): the same object
  // each time. Throws std::invalid_argument for an invalid name: empty,
  // "default", over 200 bytes, or containing NUL.
  Region& region(std::string_view name);

  // RocksDB-backed regions in the store, sorted.
  std::vector<std::string> region_names() const;

  // One synchronous sweep pass over every region, without a time budget:
  // removes every record expired by now (no-expiry keys spared), including
  // lock records whose lease has run out, from RocksDB regions configured in
  // this process or not and from configured memory regions. Returns records
  // removed. Runs in the caller's thread; safe while writers and the
  // background sweeper run.
  std::size_t sweep_now();
  SweepStats sweep_stats() const;

  const std::filesystem::path& directory() const;
  const StoreOptions& options() const;
  // The clock every region of this store reads.
  const std::shared_ptr<const TimeSource>& time_source() const;

  // Internal: the RocksDB engine behind the store.
  engine::Engine& engine();

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace regionkv

#endif  // REGIONKV_STORE_H_
