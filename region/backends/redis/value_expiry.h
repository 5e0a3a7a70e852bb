// How a value's expiry travels to Redis: as a time to live in milliseconds
// (SET ... PX), so the server's clock expires it and clients' clocks need
// not agree. A value that never expires is written without one (a plain SET
// also drops an expiry the key had).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_VALUE_EXPIRY_H_
#define REGIONKV_REGION_BACKENDS_REDIS_VALUE_EXPIRY_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "regionkv/time_source.h"

namespace regionkv::redis {

// nullopt: never expires. Zero or less: expired already, so writing the
// value deletes the key (it would read as absent at once).
using TimeToLive = std::optional<std::chrono::milliseconds>;

// The time to live of a value expiring at `expires_at` (nullopt: never), as
// of `now`; rounded up to whole milliseconds, so a value is never dropped
// before its expiry.
TimeToLive time_to_live(const std::optional<TimePoint>& expires_at, TimePoint now);

// How the scripts take a time to live: "" never, "0" expired, else the
// milliseconds in decimal.
std::string ttl_argument(const TimeToLive& ttl);

// The Lua function the writing scripts (locked set, set_multi) share:
// write_value(key, value, ttl) with ttl an ttl_argument(): SET without an
// expiry, DEL, or SET ... PX.
extern const std::string_view kWriteValueLua;

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_VALUE_EXPIRY_H_
