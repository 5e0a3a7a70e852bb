#include "regionkv/printable.h"

#include <cstdint>

namespace regionkv {

namespace {

// The length of the UTF-8 sequence starting at bytes[i], or 0 if it is not
// valid there: truncated, overlong, a surrogate or past U+10FFFF.
std::size_t utf8_length_at(std::string_view bytes, std::size_t i) {
  const auto c = static_cast<unsigned char>(bytes[i]);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((c & 0xe0) == 0xc0) { length = 2; code = c & 0x1f; }
  else if ((c & 0xf0) == 0xe0) { length = 3; code = c & 0x0f; }
  else if ((c & 0xf8) == 0xf0) { length = 4; code = c & 0x07; }
  else return 0;
  if (i + length > bytes.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<unsigned char>(bytes[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    code = (code << 6) | (cc & 0x3f);
  }
  if ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
      (length == 4 && code < 0x10000) || code > 0x10ffff ||
      (code >= 0xd800 && code <= 0xdfff))
    return 0;
  return length;
}

}  // namespace

std::string printable(std::string_view bytes, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const std::size_t shown = bytes.size() < max_bytes ? bytes.size() : max_bytes;
  out.reserve(shown + 8);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\\' || c == '\'') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  if (shown < bytes.size()) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

bool is_printable_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return false;
    const std::size_t length = utf8_length_at(bytes, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool is_valid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t length = utf8_length_at(bytes, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string preview(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  std::size_t shown = 0;
  if (is_printable_utf8(bytes)) {
    while (shown < bytes.size()) {
      const std::size_t length = utf8_length_at(bytes, shown);
      if (shown + length > max_bytes) break;
      const char c = bytes[shown];
      if (c == '\n') out += "\\n";
      else if (c == '\t') out += "\\t";
      else out.append(bytes.substr(shown, length));
      shown += length;
    }
    if (shown < bytes.size()) out += "... (" + std::to_string(bytes.size()) + " bytes)";
    return out;
  }
  return printable(bytes, max_bytes);
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = bytes.size() - i < 3 ? bytes.size() - i : 3;
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k)
      group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0);
    for (std::size_t k = 0; k < 4; ++k)
      out.push_back(k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3f] : '=');
  }
  return out;
}

}  // namespace regionkv
