// Reading a lock record back (lock_steps.h): what get() of a lock key
// returns on the redis store.
#include <charconv>

#include "common/unix_ms.h"
#include "region/backends/redis/lock_steps.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::redis {

std::optional<lock::LeaseRecord> read_lock_record(RedisClient& client, const KeyLayout& layout,
                                                  std::string_view lock_key) {
  const std::string record = layout.redis_key(lock_key);
  const Reply reply = client.run(record, Command("HGETALL").arg(record));
  if (reply->type != REDIS_REPLY_ARRAY) unexpected_lock_reply("HGETALL", record);
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

}  // namespace regionkv::redis
