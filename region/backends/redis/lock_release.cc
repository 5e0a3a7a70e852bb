// Releasing a lock: no script, one HDEL of the token's field (lock_steps.h).
#include <string>

#include "region/backends/redis/lock_steps.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::redis {

ReleaseResult release_lock(RedisClient& client, const KeyLayout& layout, std::string_view lock_key,
                           std::uint64_t fencing_token) {
  const std::string record = layout.redis_key(lock_key);
  Command hdel("HDEL");
  hdel.arg(record).arg(static_cast<std::int64_t>(fencing_token));
  const Reply deleted = client.run(record, hdel);
  if (deleted->type != REDIS_REPLY_INTEGER) unexpected_lock_reply("HDEL", record);
  if (deleted->integer == 1) return ReleaseResult::kReleased;
  // Not this token's record. What is there now: nothing, or a record that
  // carries another token, since no later grant carries this one.
  return lock_record_exists(client, layout, lock_key) ? ReleaseResult::kSuccessorHolds
                                                      : ReleaseResult::kAlreadyGone;
}

bool lock_record_exists(RedisClient& client, const KeyLayout& layout, std::string_view lock_key) {
  const std::string record = layout.redis_key(lock_key);
  const Reply exists = client.run(record, Command("EXISTS").arg(record));
  if (exists->type != REDIS_REPLY_INTEGER) unexpected_lock_reply("EXISTS", record);
  return exists->integer != 0;
}

void unexpected_lock_reply(std::string_view what, std::string_view redis_key) {
  throw StorageError("redis: the " + std::string(what) + " of key '" + printable(redis_key) +
                     "' answered something unexpected");
}

}  // namespace regionkv::redis
