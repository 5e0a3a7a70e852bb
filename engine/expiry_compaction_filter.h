// The compaction filter that drops expired records while RocksDB compacts a
// region's column family, so space comes back even where the sweeper has not
// been yet. It applies the sweeper's rule (engine/column_family_sweep.h):
// lock records whose lease has run out, and expired values whose key is not
// in the region's no-expiry set; with the set unknown, values are kept.
//
// A dropped record becomes a deletion marker at the record's own sequence
// number (RocksDB's CompactionFilter::Decision::kRemove), so it shadows any
// older version of the key below it: no older value reappears. Newer writes
// have newer sequence numbers and are never affected. docs/expiry.md explains
// how the filter and the sweeper cooperate.
#ifndef REGIONKV_ENGINE_EXPIRY_COMPACTION_FILTER_H_
#define REGIONKV_ENGINE_EXPIRY_COMPACTION_FILTER_H_

#include <rocksdb/compaction_filter.h>

#include <memory>

#include "engine/no_expiry_keys.h"
#include "regionkv/time_source.h"

namespace regionkv::engine {

// A factory for one region's column family. Each filter reads the clock and
// the no-expiry set once, when RocksDB creates it for a compaction.
std::shared_ptr<rocksdb::CompactionFilterFactory> make_expiry_compaction_filter_factory(
    std::shared_ptr<const TimeSource> clock,
    std::shared_ptr<const NoExpiryKeys> no_expiry_keys);

// Sets up a region's column family for expiry: the filter above, and
// deletion-triggered compaction, so the sweeper's deletion markers (a swept
// backlog leaves long runs of them, which every scan must step over) are
// compacted away with the records they cover soon after they reach disk.
void add_expiry_options(rocksdb::ColumnFamilyOptions& options,
                        std::shared_ptr<const TimeSource> clock,
                        std::shared_ptr<const NoExpiryKeys> no_expiry_keys);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_EXPIRY_COMPACTION_FILTER_H_
