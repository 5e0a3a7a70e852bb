// How the backing stores read a region's backend_args (RegionConfig): one
// reader for memcached and Redis, so that both trim, count and bound their
// settings alike. Every error is std::invalid_argument, "<store>: <name>
// '<value>' is not ...", naming the argument and echoing what was given.
#ifndef REGIONKV_REGION_BACKENDS_BACKEND_ARGS_H_
#define REGIONKV_REGION_BACKENDS_BACKEND_ARGS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace regionkv::backend_args {

using Args = std::map<std::string, std::string>;

// A timeout must be positive (0 would fail every call at once) and at most
// an hour (beyond that a caller would rather see a hang).
inline constexpr std::int64_t kLongestTimeoutMs = std::int64_t{60} * 60 * 1000;

// `text` without the blanks and tabs at either end.
std::string_view trim(std::string_view text);

// `text` as a whole number from `low` to `high`: decimal digits, '-' for a
// negative one, nothing else. Throws std::invalid_argument "<store>: <what>
// '<text>' is not a whole number from <low> to <high>".
std::int64_t whole_number(std::string_view store, std::string_view what, std::string_view text,
                          std::int64_t low, std::int64_t high);

// args[name], trimmed, as whole_number(); nullopt if the argument is absent.
std::optional<std::int64_t> integer(std::string_view store, const Args& args,
                                    const std::string& name, std::int64_t low, std::int64_t high);

// args[name] in milliseconds, from 1 to kLongestTimeoutMs, as integer();
// `fallback` if the argument is absent.
std::chrono::milliseconds timeout_ms(std::string_view store, const Args& args,
                                     const std::string& name, std::chrono::milliseconds fallback);

}  // namespace regionkv::backend_args

#endif  // REGIONKV_REGION_BACKENDS_BACKEND_ARGS_H_
