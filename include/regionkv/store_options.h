// How a Store is opened: durability, the sweeper's pace, the clock, and where
// the store reports what goes wrong in the background.
#ifndef REGIONKV_STORE_OPTIONS_H_
#define REGIONKV_STORE_OPTIONS_H_

#include <chrono>
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

}  // namespace regionkv

#endif  // REGIONKV_STORE_OPTIONS_H_
