#include "regionkv/key_mangler.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "region/xxh3_mangling.h"

namespace regionkv {

void append_xxh3_mangled_key(std::string& out, std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  XXH128_canonical_t canonical;
  static_assert(2 * sizeof(canonical.digest) == kXxh3MangledKeySize);
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(key.data(), key.size()));
  const std::size_t start = out.size();
  out.resize(start + kXxh3MangledKeySize);
  for (std::size_t i = 0; i < sizeof(canonical.digest); ++i) {
    out[start + 2 * i] = kHex[canonical.digest[i] >> 4];
    out[start + 2 * i + 1] = kHex[canonical.digest[i] & 0x0f];
  }
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
