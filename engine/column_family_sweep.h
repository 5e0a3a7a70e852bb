// Removing expired records from a RocksDB region: the rule that decides
// which records may go (shared by the sweeper and the compaction filter) and
// one step of the sweeper through a region's column family.
#ifndef REGIONKV_ENGINE_COLUMN_FAMILY_SWEEP_H_
#define REGIONKV_ENGINE_COLUMN_FAMILY_SWEEP_H_

#include <chrono>
#include <string>
#include <string_view>

#include "engine/no_expiry_keys.h"
#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

namespace regionkv::engine {

class Engine;

using SteadyTime = std::chrono::steady_clock::time_point;

// Whether the record `bytes` stored at `stored_key` may be removed at `now`:
// a lock record whose lease has run out, or a value whose expiry has passed
// and whose key is not in `no_expiry_keys` (null: the set is unknown, and
// every value is spared). Bytes that do not decode are never removable: the
// read path reports them as Corruption. Never throws.
bool removable(std::string_view stored_key, std::string_view bytes, TimePoint now,
               const NoExpiryKeys::KeySet* no_expiry_keys) noexcept;

// Records of one sweep batch: at most this many keys are re-read and deleted
// under their stripes at once, and at most kSweepScanLimit records are read
// while looking for them. Small, so that a writer rarely meets a stripe the
// sweeper holds (48 of 1024), and below ThreadSanitizer's limit of 64 locks
// held by one thread.
inline constexpr std::size_t kSweepBatchSize = 48;
inline constexpr std::size_t kSweepScanLimit = 4096;

// Removes the records of `region`'s column family that are removable at
// `now`, from stored key `resume_from` ("": the first) on, in key order, in
// batches; returns after the first batch that ends at or past `deadline`,
// with the key to resume from (nullopt at the end of the column family).
// Each batch re-reads its records under the region's key locks and the
// steady no-expiry set and deletes only those still removable, in one write,
// so a record rewritten or re-locked since the scan is never lost. A region
// without a column family has nothing to sweep. Throws StorageError if
// RocksDB fails.
SweepProgress sweep_column_family(Engine& engine, const std::string& region,
                                  TimePoint now, std::string_view resume_from,
                                  SteadyTime deadline);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_COLUMN_FAMILY_SWEEP_H_
