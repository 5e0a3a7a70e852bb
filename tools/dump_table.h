// regionkv-dump's table output, for people.
#ifndef REGIONKV_TOOLS_DUMP_TABLE_H_
#define REGIONKV_TOOLS_DUMP_TABLE_H_

#include <chrono>
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

// Compact and signed: "850ms", "4.8s", "59m58s", "23h59m", "3d04h".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_DUMP_TABLE_H_
