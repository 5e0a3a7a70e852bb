#include "region/backends/redis/lock_scripts.h"

#include <charconv>
#include <stdexcept>
#include <string>

#include "common/unix_ms.h"
#include "region/backends/redis/region_scripts.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::redis {
namespace {

// The time rule's `now`, in whole milliseconds rounded up: now + 2 s <=
// lease end (a whole millisecond) holds for `now` exactly when it holds for
// its ceiling.
std::int64_t ceil_unix_ms(TimePoint now) {
  return std::chrono::ceil<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

[[noreturn]] void unexpected(std::string_view what, std::string_view key) {
  throw StorageError("redis: the " + std::string(what) + " of key '" + printable(key) +
                     "' answered something unexpected");
}

}  // namespace

LockAttempt LockScripts::acquire(std::string_view lock_key, TimePoint now,
                                 std::chrono::milliseconds lease) {
  const Script& script = region_scripts().acquire;
  const std::string record = layout_.redis_key(lock_key);
  const TimePoint acquired_at = common::truncate_to_ms(now);
  // The record's value, "<acquired_at_ms> <lease_ms>", and the lease alone.
  char terms[48];
  char* end = std::to_chars(terms, terms + 20, common::to_unix_ms(acquired_at)).ptr;
  *end++ = ' ';
  char* const lease_ms = end;
  end = std::to_chars(end, terms + sizeof(terms), static_cast<std::int64_t>(lease.count())).ptr;
  Command call = script.call(2);
  call.arg(record)
      .arg(layout_.counter_key(lock_key))
      .arg(std::string_view(terms, static_cast<std::size_t>(end - terms)))
      .arg(std::string_view(lease_ms, static_cast<std::size_t>(end - lease_ms)));
  const Reply reply = client_.run(record, call, &script);
  if (reply->type != REDIS_REPLY_INTEGER || reply->integer == 0) unexpected(call.name(), record);
  // A token; -1: the holder's lease never runs out; else -2 - its time left.
  if (reply->integer > 0)
    return {LockGrant{static_cast<std::uint64_t>(reply->integer), acquired_at}, std::nullopt};
  if (reply->integer == -1) return {};
  return {std::nullopt,
          common::add_saturating(now, std::chrono::milliseconds(-2 - reply->integer))};
}

std::optional<lock::LeaseRecord> LockScripts::read_record(std::string_view lock_key) {
  const std::string record = layout_.redis_key(lock_key);
  const Reply reply = client_.run(record, Command("HGETALL").arg(record));
  if (reply->type != REDIS_REPLY_ARRAY) unexpected("HGETALL", record);
  if (reply->elements == 0) return std::nullopt;
  const auto unreadable = [&] {
    return Corruption("redis: the lock record '" + printable(record) +
                      "' is not one field {<token>: \"<acquired_at_ms> <lease_ms>\"}");
  };
  if (reply->elements != 2) throw unreadable();
  std::uint64_t token = 0;
  std::int64_t acquired_at_ms = 0;
  std::int64_t lease_ms = 0;
  const std::string_view token_text = reply_text(*reply->element[0]);
  const std::string_view terms = reply_text(*reply->element[1]);
  const auto space = terms.find(' ');
  const auto parse = [](std::string_view text, auto& number) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
  };
  if (space == std::string_view::npos || !parse(token_text, token) ||
      !parse(terms.substr(0, space), acquired_at_ms) || !parse(terms.substr(space + 1), lease_ms))
    throw unreadable();
  return lock::LeaseRecord{token, common::from_unix_ms(acquired_at_ms),
                           std::chrono::milliseconds(lease_ms)};
}

bool LockScripts::holds_record(std::string_view lock_key) {
  const std::string record = layout_.redis_key(lock_key);
  const Reply exists = client_.run(record, Command("EXISTS").arg(record));
  if (exists->type != REDIS_REPLY_INTEGER) unexpected("EXISTS", record);
  return exists->integer != 0;
}

ReleaseResult LockScripts::release(std::string_view lock_key, std::uint64_t fencing_token) {
  const std::string record = layout_.redis_key(lock_key);
  Command hdel("HDEL");
  hdel.arg(record).arg(static_cast<std::int64_t>(fencing_token));
  const Reply deleted = client_.run(record, hdel);
  if (deleted->type != REDIS_REPLY_INTEGER) unexpected("HDEL", record);
  if (deleted->integer == 1) return ReleaseResult::kReleased;
  // Not this token's record. What is there now: nothing, or a record that
  // carries another token, since no later grant carries this one.
  return holds_record(lock_key) ? ReleaseResult::kSuccessorHolds : ReleaseResult::kAlreadyGone;
}

LockedWriteResult LockScripts::locked_write(const Script& script, std::string_view key,
                                            std::string_view lock_key, std::uint64_t fencing_token,
                                            TimePoint now, const NewValue* new_value) {
  if (KeyLayout::bucket_of(key) != KeyLayout::bucket_of(lock_key))
    throw std::invalid_argument("redis: lock key '" + printable(lock_key) +
                                "' does not protect key '" + printable(key) + "'");
  const std::string record = layout_.redis_key(lock_key);
  Command call = script.call(2);
  call.arg(record)
      .arg(layout_.redis_key(key))
      .arg(static_cast<std::int64_t>(fencing_token))
      .arg(ceil_unix_ms(now));
  if (new_value != nullptr) call.arg(new_value->value).arg(ttl_argument(new_value->ttl));
  const Reply reply = client_.run(record, call, &script);
  if (reply->type != REDIS_REPLY_INTEGER) unexpected(call.name(), record);
  switch (reply->integer) {
    case kScriptApplied:
      return LockedWriteResult::kApplied;
    case kScriptKeyAbsent:
      return LockedWriteResult::kKeyAbsent;
    case kScriptLockLost:
      return LockedWriteResult::kLockLost;
    case kScriptUnreadableRecord:
      throw Corruption("redis: the lock record '" + printable(record) +
                       "' holds terms that are not \"<acquired_at_ms> <lease_ms>\"");
    default:
      unexpected(call.name(), record);
  }
}

LockedWriteResult LockScripts::set_locked(std::string_view key, std::string_view value,
                                          const TimeToLive& ttl, std::string_view lock_key,
                                          std::uint64_t fencing_token, TimePoint now) {
  const NewValue new_value{value, ttl};
  return locked_write(region_scripts().set_locked, key, lock_key, fencing_token, now, &new_value);
}

LockedWriteResult LockScripts::erase_locked(std::string_view key, std::string_view lock_key,
                                            std::uint64_t fencing_token, TimePoint now) {
  return locked_write(region_scripts().erase_locked, key, lock_key, fencing_token, now, nullptr);
}

}  // namespace regionkv::redis
