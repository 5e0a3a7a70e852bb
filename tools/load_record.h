// One line of regionkv-dump --format jsonl, as regionkv-load reads it back:
// parsed, checked and decoded. Apart from the tool so that tests and the fuzz
// target can feed it any bytes.
#ifndef REGIONKV_TOOLS_LOAD_RECORD_H_
#define REGIONKV_TOOLS_LOAD_RECORD_H_

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "regionkv/time_source.h"

namespace regionkv::tools {

// A line that is not a record regionkv-load can write; what() says why.
class BadRecord : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadRecord {
  std::string region;  // the region it was dumped from
  std::string key;     // the stored key, decoded
  std::string value;   // decoded
  // Time left when it was dumped; nullopt: never expires.
  std::optional<std::chrono::milliseconds> ttl;
  // When it expires, if the line says (expires_at_ms); only with a ttl.
  std::optional<TimePoint> expires_at;
  bool no_expiry = false;
};

// Durations and times beyond this are refused, as RegionConfig refuses an
// expire_time over 100 years: they would overflow time arithmetic.
inline constexpr std::chrono::milliseconds kLongestTimeToLive = std::chrono::hours(24 * 365 * 100);

// Parses one line: a JSON object with
//   "region"          string
//   "key"             string; base64 when "key_encoding" is "base64"
//   "key_encoding"    optional, "utf8" (the default) or "base64"
//   "value"           string, in "value_encoding": "utf8" or "base64"
//   "ttl_ms"          integer, or null for a value that never expires
//   "no_expiry"       boolean; true requires a null ttl_ms
//   "expires_at_ms"   optional integer (ms since the Unix epoch, before the
//                     year 2200), or null; null exactly when ttl_ms is
// Other fields are ignored. Base64 is RFC 4648 with padding, as the dump
// writes it. The key must not be empty or start with "_lock" (lock records
// are never loaded). Throws BadRecord naming the first problem. Never
// throws anything else for any input except std::bad_alloc.
LoadRecord parse_load_record(std::string_view line);

// When the record's value expires if it is written at `now`: nullopt for
// never; else the earlier of now + ttl and expires_at (so the time the
// records spent between dump and load counts, and a clock behind the
// dump's never lengthens a value's life). At or before `now` means its time
// ran out: not to be written.
ExpiresAt expiry_when_written(const LoadRecord& record, TimePoint now);

// RFC 4648 base64 with padding, strictly: nullopt for anything else
// (wrong length, characters outside the alphabet, misplaced padding, bits
// set after the last byte).
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_LOAD_RECORD_H_
