// Rendering arbitrary bytes (keys, values) readably in messages and tools.
#ifndef REGIONKV_ENGINE_PRINTABLE_H_
#define REGIONKV_ENGINE_PRINTABLE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace regionkv::engine {

// Printable ASCII as is; backslash, quote and other bytes escaped (\\, \',
// \n, \xNN). Cut after `max_bytes` input bytes with "...".
std::string printable(std::string_view bytes, std::size_t max_bytes = 256);

// True if `bytes` is valid UTF-8 without control characters other than
// tab and newline.
bool is_printable_utf8(std::string_view bytes);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_PRINTABLE_H_
