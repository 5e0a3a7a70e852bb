// Key manglers turn a caller's raw key into the key a backing store holds.
#ifndef REGIONKV_KEY_MANGLER_H_
#define REGIONKV_KEY_MANGLER_H_

#include <functional>
#include <string>
#include <string_view>

namespace regionkv {

// An empty KeyMangler means "no mangling": keys are stored raw (the seed's
// None). Only callables convert to it, so a non-callable mangler is rejected
// at compile time (the seed's TypeError).
using KeyMangler = std::function<std::string(std::string_view)>;

// The default mangler: XXH3-128 of the key (seed 0) in canonical byte order
// (XXH128_canonicalFromHash), as 32 lowercase hex characters.
KeyMangler xxh3_key_mangler();

// The same digest as a plain function, for callers that need no KeyMangler.
std::string xxh3_mangle_key(std::string_view key);

}  // namespace regionkv

#endif  // REGIONKV_KEY_MANGLER_H_
