#include "region/backends/redis/region_scripts.h"

#include <string>

#include "lock/lease_record.h"

namespace regionkv::redis {
namespace {

// Every redis.call costs a Redis 7.0 script about as much as the command
// itself, and the script as a whole a few microseconds more
// (docs/benchmarks.md#redis), so each script makes as few calls as its step
// allows. Tokens are passed to redis.call as Lua numbers, which Redis prints
// with 17 significant digits: exact, as INCR's answer is, up to 2^53.
constexpr const char* kAcquire = R"lua(
local left = redis.call('PTTL', KEYS[1])
if left ~= -2 then return -2 - left end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], token, ARGV[1])
if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return token
)lua";

// The lock check of both locked writes: 1 if the record holds a field named
// by the token whose terms pass the time rule, 0 if not, 3 if those terms
// are unreadable. The margin is 2 * kLeaseMargin.
std::string lock_verdict_function() {
  return R"lua(
local function lock_verdict()
  local terms = redis.call('HGET', KEYS[1], ARGV[1])
  if not terms then return 0 end
  local acquired_at, lease = string.match(terms, '^(%d+) (%d+)$')
  if not acquired_at then return 3 end
  lease = tonumber(lease)
  if lease == 0 or tonumber(ARGV[2]) + )lua" +
         std::to_string(2 * lock::kLeaseMargin.count()) +
         R"lua( <= tonumber(acquired_at) + lease then
    return 1
  end
  return 0
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
local verdict = lock_verdict()
if verdict ~= 1 then return verdict end
write_value(KEYS[2], ARGV[3], ARGV[4])
return 1
)lua";

constexpr const char* kEraseLocked = R"lua(
local verdict = lock_verdict()
if verdict ~= 1 then return verdict end
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
      Script("locked set", lock_verdict_function() + kWriteValueFunction + kSetLocked),
      Script("locked erase", lock_verdict_function() + kEraseLocked),
      Script("set_multi", std::string(kWriteValueFunction) + kSetMulti),
  };
  return scripts;
}

}  // namespace regionkv::redis
