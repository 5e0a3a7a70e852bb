#include "regionkv/key_mangler.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace regionkv {

std::string xxh3_mangle_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(key.data(), key.size()));
  std::string hex(2 * sizeof(canonical.digest), '\0');
  for (std::size_t i = 0; i < sizeof(canonical.digest); ++i) {
    hex[2 * i] = kHex[canonical.digest[i] >> 4];
    hex[2 * i + 1] = kHex[canonical.digest[i] & 0x0f];
  }
  return hex;
}

KeyMangler xxh3_key_mangler() { return &xxh3_mangle_key; }

}  // namespace regionkv
