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

const std::string_view kWriteValueLua = R"lua(
local function write_value(key, value, ttl)
  if ttl == '' then
    redis.call('SET', key, value)
  elseif ttl == '0' then
    redis.call('DEL', key)
  else
    redis.call('SET', key, value, 'PX', ttl)
  end
end
)lua";

}  // namespace regionkv::redis
