// regionkv-dump's table output, for people.
#ifndef REGIONKV_TOOLS_DUMP_TABLE_H_
#define REGIONKV_TOOLS_DUMP_TABLE_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "regionkv/inspect.h"

namespace regionkv::tools {

// First a summary, one line per region: live records, expired records, locks
// and stored bytes. Then per region its records (key, time left before
// expiry, value preview) unless options.locks_only, its locks (key, fencing
// token, age, lease left, whether the lease has run out) and any corrupt
// records. `options` are the ones the snapshot was taken with; they say what
// was left out.
void write_table(const StoreSnapshot& snapshot, const InspectOptions& options, std::ostream& out);

// One key looked up (InspectOptions::stored_key), one field per line:
// region, stored key, expiry, lock (if one is stored), the value's size and
// the value whole (as a preview shows it, uncut). REQUIRES: `region` lists
// the record.
void write_lookup(const RegionSnapshot& region, TimePoint now, std::ostream& out);

// The on-disk figures of `stats` (inspect_store_stats): a line for the
// store, then one per region: table files, what the log holds in memtables,
// estimated records, pending compaction.
void write_stats_table(const StoreStats& stats, std::ostream& out);

// Bytes for people: "812 B", "4.2 KiB", "1.5 MiB", "3.0 GiB".
std::string format_bytes(std::uint64_t bytes);

// Compact and signed: "850ms", "4.8s", "59m58s", "23h59m", "3d04h".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_DUMP_TABLE_H_
