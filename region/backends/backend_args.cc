#include "region/backends/backend_args.h"

#include <charconv>
#include <stdexcept>

#include "regionkv/printable.h"

namespace regionkv::backend_args {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::int64_t whole_number(std::string_view store, std::string_view what, std::string_view text,
                          std::int64_t low, std::int64_t high) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low ||
      value > high)
    throw std::invalid_argument(std::string(store) + ": " + std::string(what) + " '" +
                                printable(text) + "' is not a whole number from " +
                                std::to_string(low) + " to " + std::to_string(high));
  return value;
}

std::optional<std::int64_t> integer(std::string_view store, const Args& args,
                                    const std::string& name, std::int64_t low, std::int64_t high) {
  const auto it = args.find(name);
  if (it == args.end()) return std::nullopt;
  return whole_number(store, name, trim(it->second), low, high);
}

std::chrono::milliseconds timeout_ms(std::string_view store, const Args& args,
                                     const std::string& name, std::chrono::milliseconds fallback) {
  const auto ms = integer(store, args, name, 1, kLongestTimeoutMs);
  return ms ? std::chrono::milliseconds(*ms) : fallback;
}

}  // namespace regionkv::backend_args
