// regionkv-dump's JSON output: the document specified in the spec's "Dump
// tool" section, built from a StoreSnapshot.
#ifndef REGIONKV_TOOLS_DUMP_JSON_H_
#define REGIONKV_TOOLS_DUMP_JSON_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>

#include "regionkv/inspect.h"

namespace regionkv::tools {

// Milliseconds since the Unix epoch, rounded down: how the dump shows times.
inline std::int64_t unix_ms(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// {"regions": [{"name", "records": [{"key", "value", "value_encoding",
// "expires_at_ms"}], "locks": [{"key", "fencing_token", "acquired_at_ms",
// "lease_expires_at_ms"}]}]}. Times are ms since the Unix epoch.
//
// A value is "utf8" if it is printable UTF-8, else "base64". A key is kept as
// is when it is valid UTF-8; a key that is not (possible only with key
// mangling disabled) is base64 with "key_encoding": "base64" beside it, the
// one field the spec does not list. expires_at_ms is null for a value that
// never expires, lease_expires_at_ms for a lease that never runs out.
// A region name that is not valid UTF-8 is shown with \xNN escapes.
nlohmann::ordered_json dump_json(const StoreSnapshot& snapshot);

// A key as dump_json gives it: "key", and "key_encoding": "base64" beside it
// for a key that is not valid UTF-8.
void put_key(nlohmann::ordered_json& out, const std::string& key);
// A value as dump_json gives it: "value" and "value_encoding".
void put_value(nlohmann::ordered_json& out, const std::string& value);
// A region name as dump_json gives it: as is if valid UTF-8, else escaped.
std::string region_name_json(const std::string& name);

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_DUMP_JSON_H_
