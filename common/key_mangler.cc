#include "regionkv/key_mangler.h"

#include <array>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/xxh3_mangling.h"

namespace regionkv {

namespace {

// "00" "01" ... "ff": one table read per digest byte instead of two.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    pairs[2 * byte] = kHex[byte >> 4];
    pairs[2 * byte + 1] = kHex[byte & 0x0f];
  }
  return pairs;
}();

}  // namespace

void write_xxh3_mangled_key(char (&out)[kXxh3MangledKeySize], std::string_view key) {
  XXH128_canonical_t canonical;
  static_assert(2 * sizeof(canonical.digest) == kXxh3MangledKeySize);
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(key.data(), key.size()));
  for (std::size_t i = 0; i < sizeof(canonical.digest); ++i)
    std::memcpy(out + 2 * i, &kHexPairs[2 * std::size_t{canonical.digest[i]}], 2);
}

void append_xxh3_mangled_key(std::string& out, std::string_view key) {
  char hex[kXxh3MangledKeySize];
  write_xxh3_mangled_key(hex, key);
  out.append(hex, sizeof hex);
}

std::string xxh3_mangle_key(std::string_view key) {
  std::string hex;
  append_xxh3_mangled_key(hex, key);
  return hex;
}

KeyMangler xxh3_key_mangler() { return &xxh3_mangle_key; }

bool is_xxh3_key_mangler(const KeyMangler& mangler) {
  const auto* function = mangler.target<std::string (*)(std::string_view)>();
  return function != nullptr && *function == &xxh3_mangle_key;
}

}  // namespace regionkv
