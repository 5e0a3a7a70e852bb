// Rendering arbitrary bytes (keys, values) readably in messages and tools.
#ifndef REGIONKV_PRINTABLE_H_
#define REGIONKV_PRINTABLE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace regionkv {

// The most of a key, URL or server answer that a message echoes.
inline constexpr std::size_t kEchoedBytes = 200;

// Printable ASCII as is; backslash, quote and other bytes escaped (\\, \',
// \n, \xNN). Input longer than `max_bytes` is cut there and followed by
// "... (N bytes)", N the full length, as preview() does: what every message
// that echoes input (keys, URLs, server answers) renders it with.
std::string printable(std::string_view bytes, std::size_t max_bytes = kEchoedBytes);

// True if `bytes` is valid UTF-8 without control characters other than
// tab and newline.
bool is_printable_utf8(std::string_view bytes);

// True if `bytes` is valid UTF-8 (control characters allowed).
bool is_valid_utf8(std::string_view bytes);

// A one-line preview for people: printable UTF-8 text as is (tab and newline
// shown as \t and \n), anything else as printable() renders it. Input longer
// than `max_bytes` is cut (at a character boundary) and followed by
// "... (N bytes)", N the full length.
std::string preview(std::string_view bytes, std::size_t max_bytes);

// RFC 4648 base64, with padding.
std::string base64(std::string_view bytes);

}  // namespace regionkv

#endif  // REGIONKV_PRINTABLE_H_
