// The record format shared by the RocksDB store and the dump tool: a 16-byte
// header (format version, kind, flags, checksum, expiry) and the payload.
// docs/format.md describes it byte by byte. The decoder is total: any bytes
// in, a Record or a Corruption exception out.
#ifndef REGIONKV_ENGINE_RECORD_H_
#define REGIONKV_ENGINE_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/unix_ms.h"  // times are stored as Unix milliseconds
#include "regionkv/time_source.h"

namespace regionkv::engine {

inline constexpr std::uint8_t kRecordFormatVersion = 1;
inline constexpr std::size_t kRecordHeaderSize = 16;

enum class RecordKind : std::uint8_t {
  kValue = 1,  // payload: the value's bytes
  kLock = 2,   // payload: a lease (lock/lease_record.h)
};

struct Record {
  RecordKind kind = RecordKind::kValue;
  ExpiresAt expires_at;
  std::string_view payload;  // points into the decoded bytes

  // Live at `now` (is_live: until the instant it expires).
  bool live_at(TimePoint now) const { return is_live(expires_at, now); }
};

std::string encode_record(RecordKind kind, ExpiresAt expires_at,
                          std::string_view payload);
// The same bytes written into `out`, which must hold kRecordHeaderSize +
// payload.size() bytes: a caller's buffer on the stack saves the allocation
// of a string on every lock grant.
void encode_record(char* out, RecordKind kind, ExpiresAt expires_at, std::string_view payload);
// Throws Corruption describing what failed; `bytes` must outlive the Record.
Record decode_record(std::string_view bytes);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_RECORD_H_
