// The default key mangler's digest, written into a caller's buffer: the
// region builds a lock record key ("_lock" + mangled key) in one allocation
// instead of two. xxh3_mangle_key (regionkv/key_mangler.h) is this into a
// fresh string.
#ifndef REGIONKV_COMMON_XXH3_MANGLING_H_
#define REGIONKV_COMMON_XXH3_MANGLING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "regionkv/key_mangler.h"

namespace regionkv {

// Hex digits of XXH3-128.
inline constexpr std::size_t kXxh3MangledKeySize = 32;

// Appends xxh3_mangle_key(key) to `out`.
void append_xxh3_mangled_key(std::string& out, std::string_view key);
// Writes xxh3_mangle_key(key) into `out`, which need not be terminated: a
// caller's buffer on the stack saves the allocation of a string.
void write_xxh3_mangled_key(char (&out)[kXxh3MangledKeySize], std::string_view key);

// Whether `mangler` is the default one (xxh3_key_mangler()).
bool is_xxh3_key_mangler(const KeyMangler& mangler);

}  // namespace regionkv

#endif  // REGIONKV_COMMON_XXH3_MANGLING_H_
