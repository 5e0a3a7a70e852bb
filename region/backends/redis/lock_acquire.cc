// Taking a lock: one script, the check, the token and the record in one
// step on the server (lock_steps.h).
#include <charconv>

#include "common/unix_ms.h"
#include "region/backends/redis/lock_steps.h"

namespace regionkv::redis {
namespace {

// KEYS: record, counter.  ARGV: "<now_ms> <lease_ms>", lease_ms.
// If the record exists (a live lease): -2 - its PTTL, or -1 if it never
// runs out. Else INCR the counter, write the record carrying the token,
// expire it after the lease: the token (> 0).
// Every redis.call costs a Redis 7.0 script about as much as the command
// itself, and the script as a whole a few microseconds more
// (docs/benchmarks.md#redis), so the script makes as few calls as the step
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

}  // namespace

const Script& lock_acquire_script() {
  static const Script script("lock acquire", kAcquire);
  return script;
}

LockAttempt acquire_lock(RedisClient& client, const KeyLayout& layout, std::string_view lock_key,
                         TimePoint now, std::chrono::milliseconds lease) {
  const Script& script = lock_acquire_script();
  const std::string record = layout.redis_key(lock_key);
  const TimePoint acquired_at = common::truncate_to_ms(now);
  // The record's value, "<acquired_at_ms> <lease_ms>", and the lease alone.
  char terms[48];
  char* end = std::to_chars(terms, terms + 20, common::to_unix_ms(acquired_at)).ptr;
  *end++ = ' ';
  char* const lease_ms = end;
  end = std::to_chars(end, terms + sizeof(terms), static_cast<std::int64_t>(lease.count())).ptr;
  Command call = script.call(2);
  call.arg(record)
      .arg(layout.counter_key(lock_key))
      .arg(std::string_view(terms, static_cast<std::size_t>(end - terms)))
      .arg(std::string_view(lease_ms, static_cast<std::size_t>(end - lease_ms)));
  const Reply reply = client.run(record, call, &script);
  if (reply->type != REDIS_REPLY_INTEGER || reply->integer == 0)
    unexpected_lock_reply(call.name(), record);
  // A token; -1: the holder's lease never runs out; else -2 - its time left.
  if (reply->integer > 0)
    return {LockGrant{static_cast<std::uint64_t>(reply->integer), acquired_at}, std::nullopt};
  if (reply->integer == -1) return {};
  return {std::nullopt,
          common::add_saturating(now, std::chrono::milliseconds(-2 - reply->integer))};
}

}  // namespace regionkv::redis
