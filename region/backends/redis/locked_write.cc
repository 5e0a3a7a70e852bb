// Writing under a lock: one script each for set and erase, the lock rule
// and the write in one step on the server (lock_steps.h).
#include <stdexcept>
#include <string>

#include "region/backends/redis/lock_steps.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::redis {
namespace {

// What the scripts answer.
constexpr long long kLockLost = 0;
constexpr long long kApplied = 1;
constexpr long long kKeyAbsent = 2;  // erase: the lock held, but no value
constexpr long long kUnreadableTerms = 3;

// KEYS: record, value.  ARGV: token, now_ms, then (set) value, ttl.
// The lock check of both: 1 if the record holds a field named by the token
// whose terms pass the time rule -- lease_ms == 0 or now_ms + 2000 <=
// acquired_at_ms + lease_ms (lock::judge_locked_write: a holder stops
// writing 2 s, twice lock::kLeaseMargin, before its lease runs out) -- 0 if
// not, 3 if those terms are unreadable. now_ms is the caller's clock, as
// acquired_at_ms was.
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

const Script& set_locked_script() {
  static const Script script("locked set",
                             lock_verdict_function() + std::string(kWriteValueLua) + kSetLocked);
  return script;
}

const Script& erase_locked_script() {
  static const Script script("locked erase", lock_verdict_function() + kEraseLocked);
  return script;
}

// The time rule's `now`, in whole milliseconds rounded up: now + 2 s <=
// lease end (a whole millisecond) holds for `now` exactly when it holds for
// its ceiling.
std::int64_t ceil_unix_ms(TimePoint now) {
  return std::chrono::ceil<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

struct NewValue {
  std::string_view value;
  const TimeToLive& ttl;
};

// `new_value`: what a locked set writes; nullptr for a locked erase.
LockedWriteResult locked_write(RedisClient& client, const KeyLayout& layout, const Script& script,
                               std::string_view key, std::string_view lock_key,
                               std::uint64_t fencing_token, TimePoint now,
                               const NewValue* new_value) {
  if (KeyLayout::bucket_of(key) != KeyLayout::bucket_of(lock_key))
    throw std::invalid_argument("redis: lock key '" + printable(lock_key) +
                                "' does not protect key '" + printable(key) + "'");
  const std::string record = layout.redis_key(lock_key);
  Command call = script.call(2);
  call.arg(record)
      .arg(layout.redis_key(key))
      .arg(static_cast<std::int64_t>(fencing_token))
      .arg(ceil_unix_ms(now));
  if (new_value != nullptr) call.arg(new_value->value).arg(ttl_argument(new_value->ttl));
  const Reply reply = client.run(record, call, &script);
  if (reply->type != REDIS_REPLY_INTEGER) unexpected_lock_reply(call.name(), record);
  switch (reply->integer) {
    case kApplied:
      return LockedWriteResult::kApplied;
    case kKeyAbsent:
      return LockedWriteResult::kKeyAbsent;
    case kLockLost:
      return LockedWriteResult::kLockLost;
    case kUnreadableTerms:
      throw Corruption("redis: the lock record '" + printable(record) +
                       "' holds terms that are not \"<acquired_at_ms> <lease_ms>\"");
    default:
      unexpected_lock_reply(call.name(), record);
  }
}

}  // namespace

LockedWriteResult set_locked(RedisClient& client, const KeyLayout& layout, std::string_view key,
                             std::string_view value, const TimeToLive& ttl,
                             std::string_view lock_key, std::uint64_t fencing_token,
                             TimePoint now) {
  const NewValue new_value{value, ttl};
  return locked_write(client, layout, set_locked_script(), key, lock_key, fencing_token, now,
                      &new_value);
}

LockedWriteResult erase_locked(RedisClient& client, const KeyLayout& layout, std::string_view key,
                               std::string_view lock_key, std::uint64_t fencing_token,
                               TimePoint now) {
  return locked_write(client, layout, erase_locked_script(), key, lock_key, fencing_token, now,
                      nullptr);
}

}  // namespace regionkv::redis
