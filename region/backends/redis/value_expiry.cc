#include "region/backends/redis/value_expiry.h"

namespace regionkv::redis {

TimeToLive time_to_live(const std::optional<TimePoint>& expires_at, TimePoint now) {
  if (!expires_at) return std::nullopt;
  if (*expires_at <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(*expires_at - now);
}

std::string ttl_argument(const TimeToLive& ttl) {
  if (!ttl) return {};
  return ttl->count() <= 0 ? std::string("0") : std::to_string(ttl->count());
}

}  // namespace regionkv::redis
