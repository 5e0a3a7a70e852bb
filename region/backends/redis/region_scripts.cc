#include "region/backends/redis/region_scripts.h"

#include <string>

#include "lock/lease_record.h"

namespace regionkv::redis {
namespace {

// Tokens and times are formatted with %d: Redis would turn a Lua number
// passed to redis.call into a string with 17 significant digits at most, and
// Lua's numbers are doubles, exact for integers up to 2^53.
constexpr const char* kAcquire = R"lua(
local left = redis.call('PTTL', KEYS[1])
if left ~= -2 then return {0, left} end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'token', string.format('%d', token),
           'acquired_at_ms', ARGV[1], 'lease_ms', ARGV[2])
if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, token}
)lua";

constexpr const char* kRelease = R"lua(
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
)lua";

// The lock check of both locked writes. The margin is 2 * kLeaseMargin.
std::string holds_lock_function() {
  return R"lua(
local function holds_lock()
  local record = redis.call('HMGET', KEYS[1], 'token', 'acquired_at_ms', 'lease_ms')
  if record[1] ~= ARGV[1] then return false end
  local lease = tonumber(record[3])
  return lease == 0 or tonumber(ARGV[2]) + )lua" +
         std::to_string(2 * lock::kLeaseMargin.count()) + R"lua( <= tonumber(record[2]) + lease
end
)lua";
}

constexpr const char* kWriteValueFunction = R"lua(
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

constexpr const char* kSetLocked = R"lua(
if not holds_lock() then return 0 end
write_value(KEYS[2], ARGV[3], ARGV[4])
return 1
)lua";

constexpr const char* kEraseLocked = R"lua(
if not holds_lock() then return 0 end
if redis.call('DEL', KEYS[2]) == 1 then return 1 end
return 2
)lua";

constexpr const char* kSetMulti = R"lua(
for i, key in ipairs(KEYS) do
  write_value(key, ARGV[2 * i - 1], ARGV[2 * i])
end
return #KEYS
)lua";

}  // namespace

const RegionScripts& region_scripts() {
  static const RegionScripts scripts{
      Script("lock acquire", kAcquire),
      Script("lock release", kRelease),
      Script("locked set", holds_lock_function() + kWriteValueFunction + kSetLocked),
      Script("locked erase", holds_lock_function() + kEraseLocked),
      Script("set_multi", std::string(kWriteValueFunction) + kSetMulti),
  };
  return scripts;
}

}  // namespace regionkv::redis
