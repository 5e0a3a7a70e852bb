// Fixed-width little-endian integers, for the on-disk formats.
#ifndef REGIONKV_COMMON_LITTLE_ENDIAN_H_
#define REGIONKV_COMMON_LITTLE_ENDIAN_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace regionkv::common {

// Writes v's 8 bytes at `out`. One store on a little-endian machine: GCC
// does not merge the byte loop's stores (a lock grant writes four of these).
inline void store_u64(char* out, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &v, sizeof v);
  } else {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
  }
}
inline void append_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
inline void append_u64(std::string& out, std::uint64_t v) {
  char bytes[8];
  store_u64(bytes, v);
  out.append(bytes, sizeof bytes);
}
// REQUIRES: in.size() >= offset + 4 (or + 8).
inline std::uint32_t read_u32(std::string_view in, std::size_t offset) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}
inline std::uint64_t read_u64(std::string_view in, std::size_t offset) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_LITTLE_ENDIAN_H_
