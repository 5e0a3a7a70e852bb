#include "region/backends/redis/key_layout.h"

#include <charconv>

#include "lock/lease_record.h"
#include "region/backends/redis/key_slot.h"

namespace regionkv::redis {
namespace {

constexpr std::string_view kNamespace = "rkv:";
constexpr std::string_view kCounterName = "fencing";

// Escaped: what separates the parts of a key ('%' itself, ':'), would make
// a hash tag (braces), or is special to SCAN's MATCH patterns.
constexpr std::string_view kEscapedPrintables = "%:{}*?[]\\";

bool kept_as_is(unsigned char c) {
  return c > 0x20 && c < 0x7f &&
         kEscapedPrintables.find(static_cast<char>(c)) == std::string_view::npos;
}

// "{<bucket>}"
void append_tag(std::string& out, std::uint32_t bucket) {
  char digits[8];
  const auto end = std::to_chars(digits, digits + sizeof(digits), bucket).ptr;
  out.push_back('{');
  out.append(digits, end);
  out.push_back('}');
}

}  // namespace

std::string escape_region_name(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  escaped.reserve(name.size());
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (kept_as_is(byte)) {
      escaped.push_back(c);
    } else {
      escaped.push_back('%');
      escaped.push_back(kHex[byte >> 4]);
      escaped.push_back(kHex[byte & 0xF]);
    }
  }
  return escaped;
}

KeyLayout::KeyLayout(std::string_view region_name, bool counter_per_bucket)
    : region_prefix_(std::string(kNamespace) + escape_region_name(region_name) + ":"),
      counter_per_bucket_(counter_per_bucket) {}

std::uint32_t KeyLayout::bucket_of(std::string_view backend_key) {
  if (backend_key.starts_with(lock::kLockKeyPrefix))
    backend_key.remove_prefix(lock::kLockKeyPrefix.size());
  return crc16_xmodem(backend_key) % kBuckets;
}

std::string KeyLayout::redis_key(std::string_view backend_key) const {
  std::string key;
  key.reserve(region_prefix_.size() + 8 + backend_key.size());
  key.append(region_prefix_);
  append_tag(key, bucket_of(backend_key));
  key.push_back(':');
  key.append(backend_key);
  return key;
}

std::string KeyLayout::counter_key(std::string_view lock_key) const {
  std::string key;
  key.reserve(region_prefix_.size() + kCounterName.size() + 8);
  key.append(region_prefix_);
  key.append(kCounterName);
  if (counter_per_bucket_) {
    key.push_back(':');
    append_tag(key, bucket_of(lock_key));
  }
  return key;
}

}  // namespace regionkv::redis
