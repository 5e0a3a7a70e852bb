#include "region/backends/redis/region_locks.h"

#include <stdexcept>
#include <string>

#include "regionkv/printable.h"
#include "common/unix_ms.h"
#include "region/backends/redis/region_scripts.h"
#include "regionkv/errors.h"

namespace regionkv::redis {
namespace {

// The time rule's `now`, in whole milliseconds rounded up: now + 2 s <=
// lease end (a whole millisecond) holds for `now` exactly when it holds for
// its ceiling.
std::int64_t ceil_unix_ms(TimePoint now) {
  return std::chrono::ceil<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

[[noreturn]] void unexpected(std::string_view script, std::string_view key) {
  throw StorageError("redis: the " + std::string(script) + " script of key '" +
                     printable(key) + "' answered something unexpected");
}

}  // namespace

LockAcquisition RegionLocks::acquire(std::string_view lock_key, TimePoint now,
                                     std::chrono::milliseconds lease) {
  const Script& script = region_scripts().acquire;
  const std::string record = layout_.redis_key(lock_key);
  const TimePoint acquired_at = common::truncate_to_ms(now);
  Command call = script.call(2);
  call.arg(record)
      .arg(layout_.counter_key(lock_key))
      .arg(common::to_unix_ms(acquired_at))
      .arg(static_cast<std::int64_t>(lease.count()));
  const Reply reply = client_.run(record, call, &script);
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_INTEGER ||
      reply->element[1]->type != REDIS_REPLY_INTEGER)
    unexpected(script.name(), record);
  const long long value = reply->element[1]->integer;
  if (reply->element[0]->integer == 1)
    return {LockGranted{static_cast<std::uint64_t>(value), acquired_at}, std::nullopt};
  if (value < 0) return {};  // -1: the holder's lease never runs out
  return {std::nullopt, common::add_saturating(now, std::chrono::milliseconds(value))};
}

bool RegionLocks::release(std::string_view lock_key, std::uint64_t fencing_token) {
  const Script& script = region_scripts().release;
  const std::string record = layout_.redis_key(lock_key);
  Command call = script.call(1);
  call.arg(record).arg(std::to_string(fencing_token));
  return client_.run(record, call, &script)->integer == 1;
}

LockedWrite RegionLocks::locked_write(const Script& script, std::string_view key,
                                      std::string_view lock_key, std::uint64_t fencing_token,
                                      TimePoint now, const NewValue* new_value) {
  if (KeyLayout::bucket_of(key) != KeyLayout::bucket_of(lock_key))
    throw std::invalid_argument("redis: lock key '" + printable(lock_key) +
                                "' does not protect key '" + printable(key) + "'");
  const std::string record = layout_.redis_key(lock_key);
  Command call = script.call(2);
  call.arg(record)
      .arg(layout_.redis_key(key))
      .arg(std::to_string(fencing_token))
      .arg(ceil_unix_ms(now));
  if (new_value != nullptr) call.arg(new_value->value).arg(ttl_argument(new_value->ttl));
  const Reply reply = client_.run(record, call, &script);
  if (reply->type != REDIS_REPLY_INTEGER) unexpected(script.name(), record);
  switch (reply->integer) {
    case kScriptApplied:
      return LockedWrite::kApplied;
    case kScriptKeyAbsent:
      return LockedWrite::kKeyAbsent;
    case kScriptLockLost:
      return LockedWrite::kLockLost;
    default:
      unexpected(script.name(), record);
  }
}

LockedWrite RegionLocks::set_locked(std::string_view key, std::string_view value,
                                    const TimeToLive& ttl, std::string_view lock_key,
                                    std::uint64_t fencing_token, TimePoint now) {
  const NewValue new_value{value, ttl};
  return locked_write(region_scripts().set_locked, key, lock_key, fencing_token, now, &new_value);
}

LockedWrite RegionLocks::erase_locked(std::string_view key, std::string_view lock_key,
                                      std::uint64_t fencing_token, TimePoint now) {
  return locked_write(region_scripts().erase_locked, key, lock_key, fencing_token, now, nullptr);
}

}  // namespace regionkv::redis
