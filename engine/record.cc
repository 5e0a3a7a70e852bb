#include "engine/record.h"

#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <string>

#include "common/little_endian.h"
#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

constexpr std::uint8_t kFlagHasExpiry = 0x01;
constexpr std::size_t kChecksumOffset = 4;
constexpr std::size_t kExpiryOffset = 8;

// XXH3 over the header without its checksum field, then the payload.
std::uint32_t record_checksum(std::string_view header_prefix,
                              std::string_view expiry_bytes,
                              std::string_view payload) {
  // Most records are small: one call over a copy on the stack costs a
  // fraction of the streaming state's set-up, and gives the same hash.
  char joined[256];
  const std::size_t size = header_prefix.size() + expiry_bytes.size() + payload.size();
  if (size <= sizeof joined) {
    std::memcpy(joined, header_prefix.data(), header_prefix.size());
    std::memcpy(joined + header_prefix.size(), expiry_bytes.data(), expiry_bytes.size());
    if (!payload.empty())  // memcpy from a null pointer is undefined, even of 0 bytes
      std::memcpy(joined + header_prefix.size() + expiry_bytes.size(), payload.data(),
                  payload.size());
    return static_cast<std::uint32_t>(XXH3_64bits(joined, size));
  }
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, header_prefix.data(), header_prefix.size());
  XXH3_64bits_update(&state, expiry_bytes.data(), expiry_bytes.size());
  XXH3_64bits_update(&state, payload.data(), payload.size());
  return static_cast<std::uint32_t>(XXH3_64bits_digest(&state));
}

[[noreturn]] void corrupt(const std::string& why) {
  throw Corruption("corrupt record: " + why);
}

}  // namespace

std::string encode_record(RecordKind kind, ExpiresAt expires_at,
                          std::string_view payload) {
  std::string out(kRecordHeaderSize + payload.size(), '\0');
  encode_record(out.data(), kind, expires_at, payload);
  return out;
}

void encode_record(char* out, RecordKind kind, ExpiresAt expires_at, std::string_view payload) {
  out[0] = static_cast<char>(kRecordFormatVersion);
  out[1] = static_cast<char>(kind);
  out[2] = static_cast<char>(expires_at ? kFlagHasExpiry : 0);
  out[3] = '\0';  // reserved
  common::store_u64(out + kExpiryOffset,
                    expires_at ? static_cast<std::uint64_t>(common::to_unix_ms(*expires_at)) : 0);
  if (!payload.empty())  // memcpy from a null pointer is undefined, even of 0 bytes
    std::memcpy(out + kRecordHeaderSize, payload.data(), payload.size());
  const std::uint32_t checksum = record_checksum(std::string_view(out, kChecksumOffset),
                                                 std::string_view(out + kExpiryOffset, 8), payload);
  for (int i = 0; i < 4; ++i) out[kChecksumOffset + i] = static_cast<char>(checksum >> (8 * i));
}

Record decode_record(std::string_view bytes) {
  if (bytes.size() < kRecordHeaderSize)
    corrupt("only " + std::to_string(bytes.size()) + " bytes, header needs " +
            std::to_string(kRecordHeaderSize));
  const auto version = static_cast<std::uint8_t>(bytes[0]);
  if (version != kRecordFormatVersion)
    corrupt("unknown format version " + std::to_string(version));
  const auto kind = static_cast<std::uint8_t>(bytes[1]);
  if (kind != static_cast<std::uint8_t>(RecordKind::kValue) &&
      kind != static_cast<std::uint8_t>(RecordKind::kLock))
    corrupt("unknown record kind " + std::to_string(kind));
  const auto flags = static_cast<std::uint8_t>(bytes[2]);
  if ((flags & ~kFlagHasExpiry) != 0 || bytes[3] != '\0')
    corrupt("unknown flags");
  const std::string_view payload = bytes.substr(kRecordHeaderSize);
  if (common::read_u32(bytes, kChecksumOffset) !=
      record_checksum(bytes.substr(0, kChecksumOffset),
                      bytes.substr(kExpiryOffset, 8), payload))
    corrupt("checksum mismatch");
  Record record;
  record.kind = static_cast<RecordKind>(kind);
  const auto expiry_ms = static_cast<std::int64_t>(common::read_u64(bytes, kExpiryOffset));
  if (flags & kFlagHasExpiry) record.expires_at = common::from_unix_ms(expiry_ms);
  else if (expiry_ms != 0) corrupt("expiry set without its flag");
  record.payload = payload;
  return record;
}

}  // namespace regionkv::engine
