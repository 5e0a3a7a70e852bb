#include "load_record.h"

#include <array>
#include <nlohmann/json.hpp>

#include "regionkv/printable.h"

namespace regionkv::tools {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr std::string_view kLockPrefix = "_lock";
// 2200-01-01T00:00:00Z: later times overflow no clock arithmetic here.
constexpr std::int64_t kLatestExpiresAtMs = 7'258'118'400'000;

const json& field(const json& record, const char* name) {
  const auto it = record.find(name);
  if (it == record.end()) throw BadRecord(std::string("no \"") + name + "\" field");
  return *it;
}

const std::string& string_field(const json& record, const char* name) {
  const json& value = field(record, name);
  if (!value.is_string()) throw BadRecord(std::string("\"") + name + "\" is not a string");
  return value.get_ref<const std::string&>();
}

// `text` in `encoding` ("utf8" or "base64"), decoded.
std::string decode(const std::string& text, const std::string& encoding, const char* what) {
  if (encoding == "utf8") return text;
  if (encoding == "base64") {
    if (auto bytes = decode_base64(text)) return std::move(*bytes);
    throw BadRecord(std::string("\"") + what + "\" is not valid base64");
  }
  throw BadRecord(std::string("\"") + what + "_encoding\" is '" + printable(encoding) +
                  "', not 'utf8' or 'base64'");
}

// An integer field within [low, high]; nullopt for null.
std::optional<std::int64_t> integer_or_null(const json& record, const char* name, std::int64_t low,
                                            std::int64_t high) {
  const json& value = field(record, name);
  if (value.is_null()) return std::nullopt;
  if (!value.is_number_integer())
    throw BadRecord(std::string("\"") + name + "\" is neither an integer nor null");
  // Above INT64_MAX nlohmann keeps it unsigned.
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(high))
    throw BadRecord(std::string("\"") + name + "\" is out of range");
  const std::int64_t n = value.get<std::int64_t>();
  if (n < low || n > high) throw BadRecord(std::string("\"") + name + "\" is out of range");
  return n;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  static constexpr std::array<signed char, 256> kValues = [] {
    std::array<signed char, 256> values{};
    values.fill(-1);
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i)
      values[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return values;
  }();
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int value = kValues[static_cast<unsigned char>(c)];
      if (c == '=' && last && j >= 4 - padding) value = 0;
      if (value < 0) return std::nullopt;
      group = group << 6 | static_cast<std::uint32_t>(value);
    }
    const std::size_t bytes = last ? 3 - padding : 3;
    // Canonical only: the bits after the last byte must be zero.
    if (bytes < 3 && (group & ((1u << (8 * (3 - bytes))) - 1)) != 0) return std::nullopt;
    for (std::size_t b = 0; b < bytes; ++b)
      out.push_back(static_cast<char>(group >> (16 - 8 * b) & 0xff));
  }
  return out;
}

LoadRecord parse_load_record(std::string_view line) {
  json record;
  try {
    record = json::parse(line);
  } catch (const json::exception& e) {
    throw BadRecord(std::string("not JSON: ") + e.what());
  }
  if (!record.is_object()) throw BadRecord("not a JSON object");

  LoadRecord out;
  out.region = string_field(record, "region");

  std::string key_encoding = "utf8";
  if (record.contains("key_encoding")) key_encoding = string_field(record, "key_encoding");
  out.key = decode(string_field(record, "key"), key_encoding, "key");
  if (out.key.empty()) throw BadRecord("empty key");
  if (out.key.starts_with(kLockPrefix))
    throw BadRecord("key '" + printable(out.key) +
                    "' starts with '_lock': lock records are never loaded");

  out.value =
      decode(string_field(record, "value"), string_field(record, "value_encoding"), "value");

  const json& no_expiry = field(record, "no_expiry");
  if (!no_expiry.is_boolean()) throw BadRecord("\"no_expiry\" is not true or false");
  out.no_expiry = no_expiry.get<bool>();

  // Negative: it had run out already when dumped (--expired); skipped.
  if (const auto ttl = integer_or_null(record, "ttl_ms", -kLongestTimeToLive.count(),
                                       kLongestTimeToLive.count()))
    out.ttl = milliseconds(*ttl);
  if (out.no_expiry && out.ttl) throw BadRecord("a no-expiry key with a \"ttl_ms\"");

  if (record.contains("expires_at_ms")) {
    const auto at = integer_or_null(record, "expires_at_ms", 0, kLatestExpiresAtMs);
    if (at.has_value() != out.ttl.has_value())
      throw BadRecord("\"expires_at_ms\" and \"ttl_ms\" must be null together");
    if (at) out.expires_at = TimePoint(milliseconds(*at));
  }
  return out;
}

ExpiresAt expiry_when_written(const LoadRecord& record, TimePoint now) {
  if (!record.ttl) return std::nullopt;
  const TimePoint by_ttl = now + *record.ttl;
  return record.expires_at ? std::min(by_ttl, *record.expires_at) : by_ttl;
}

}  // namespace regionkv::tools
