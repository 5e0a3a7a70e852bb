// regionkv-dump --format jsonl: one value record per line, what regionkv-load
// reads back (tools/load_record.h). docs/moving-regions.md describes it.
#ifndef REGIONKV_TOOLS_DUMP_JSONL_H_
#define REGIONKV_TOOLS_DUMP_JSONL_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "regionkv/inspect.h"

namespace regionkv::tools {

// The time left before `record` expires, judged at `now`, rounded up to whole
// milliseconds, so a record live at `now` has at least 1 ms left; nullopt for
// a record that never expires (no expiry stored, or a no-expiry key). Zero or
// negative for an expired record (listed with --expired).
std::optional<std::chrono::milliseconds> time_left(const InspectedRecord& record, TimePoint now);

// {"region", "key", ["key_encoding",] "value", "value_encoding", "ttl_ms",
//  "no_expiry", "expires_at_ms"}: the spec's fields in its order, the key and
// value as dump_json gives them, and the absolute expiry (ms since the Unix
// epoch, null with ttl_ms) that lets regionkv-load leave out what ran out
// while the records were on their way.
nlohmann::ordered_json jsonl_record(const std::string& region, const InspectedRecord& record,
                                    TimePoint now);

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_DUMP_JSONL_H_
