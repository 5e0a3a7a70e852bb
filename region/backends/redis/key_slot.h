// Which of Redis Cluster's 16384 hash slots a key belongs to: CRC16 (XMODEM)
// of the key modulo 16384, where a key holding a hash tag -- the bytes
// between its first '{' and the first '}' after it, if there are any --
// hashes only the tag. Keys with equal tags share a slot, and so a server:
// that is what lets one script or transaction touch them together.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_KEY_SLOT_H_
#define REGIONKV_REGION_BACKENDS_REDIS_KEY_SLOT_H_

#include <cstdint>
#include <string_view>

namespace regionkv::redis {

inline constexpr int kSlotCount = 16384;

std::uint16_t crc16_xmodem(std::string_view bytes);
// The part of `key` that decides its slot: the hash tag if it has a
// non-empty one, else the whole key.
std::string_view hash_tag_of(std::string_view key);
std::uint16_t key_slot(std::string_view key);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_KEY_SLOT_H_
