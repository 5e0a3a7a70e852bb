#include "region/backends/redis/region_values.h"

#include <map>

#include "region/backends/redis/key_slot.h"
#include "regionkv/errors.h"

namespace regionkv::redis {
namespace {

std::optional<std::string> string_or_nil(const redisReply& reply, std::string_view what) {
  if (reply.type == REDIS_REPLY_NIL) return std::nullopt;
  if (reply.type != REDIS_REPLY_STRING)
    throw StorageError("redis: " + std::string(what) + " answered something other than a string");
  return std::string(reply_text(reply));
}

template <typename Items, typename KeyOf>
std::vector<std::string> redis_keys_of(const KeyLayout& layout, const Items& items, KeyOf key_of) {
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const auto& item : items) keys.push_back(layout.redis_key(key_of(item)));
  return keys;
}

std::string_view itself(const std::string& key) { return key; }

}  // namespace

RegionValues::Groups RegionValues::group_by_slot(const std::vector<std::string>& redis_keys) const {
  Groups groups;
  if (!client_.cluster_mode()) {
    groups.emplace_back();
    for (std::size_t i = 0; i < redis_keys.size(); ++i) groups.back().push_back(i);
    return groups;
  }
  std::map<std::uint16_t, std::size_t> group_of_slot;
  for (std::size_t i = 0; i < redis_keys.size(); ++i) {
    const auto [it, added] = group_of_slot.try_emplace(key_slot(redis_keys[i]), groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

template <typename MakeCommand>
std::vector<Reply> RegionValues::run_per_slot(const std::vector<std::string>& redis_keys,
                                              const Groups& groups, MakeCommand make_command,
                                              const Script* script) {
  std::vector<Command> commands;
  commands.reserve(groups.size());
  std::vector<RoutedCommand> routed;
  for (const auto& group : groups) {
    commands.push_back(make_command(group));
    routed.push_back({redis_keys[group.front()], &commands.back(), script});
  }
  return client_.run_all(routed);
}

std::optional<std::string> RegionValues::get(std::string_view key) {
  const std::string redis_key = layout_.redis_key(key);
  const Reply reply = client_.run(redis_key, Command("GET").arg(redis_key));
  return string_or_nil(*reply, "GET");
}

void RegionValues::set(std::string_view key, std::string_view value, const TimeToLive& ttl) {
  const std::string redis_key = layout_.redis_key(key);
  if (ttl && ttl->count() <= 0) {
    client_.run(redis_key, Command("DEL").arg(redis_key));
    return;
  }
  Command command("SET");
  command.arg(redis_key).arg(value);
  if (ttl) command.arg("PX").arg(static_cast<std::int64_t>(ttl->count()));
  client_.run(redis_key, command);
}

bool RegionValues::erase(std::string_view key) {
  const std::string redis_key = layout_.redis_key(key);
  return client_.run(redis_key, Command("DEL").arg(redis_key))->integer > 0;
}

std::vector<std::optional<std::string>> RegionValues::get_multi(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values(keys.size());
  if (keys.empty()) return values;
  const auto redis_keys = redis_keys_of(layout_, keys, itself);
  const Groups groups = group_by_slot(redis_keys);
  const auto replies = run_per_slot(redis_keys, groups, [&](const auto& group) {
    Command mget("MGET");
    for (const std::size_t i : group) mget.arg(redis_keys[i]);
    return mget;
  });
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const redisReply& reply = *replies[g];
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != groups[g].size())
      throw StorageError("redis: MGET answered " + std::to_string(reply.elements) + " values for " +
                         std::to_string(groups[g].size()) + " keys");
    for (std::size_t k = 0; k < groups[g].size(); ++k)
      values[groups[g][k]] = string_or_nil(*reply.element[k], "MGET");
  }
  return values;
}

namespace {

// KEYS: values.  ARGV: value, ttl for each key, in order.
const Script& set_multi_script() {
  static const Script script("set_multi", std::string(kWriteValueLua) + R"lua(
for i, key in ipairs(KEYS) do
  write_value(key, ARGV[2 * i - 1], ARGV[2 * i])
end
return #KEYS
)lua");
  return script;
}

}  // namespace

void RegionValues::set_multi(const std::vector<ValueWrite>& items) {
  if (items.empty()) return;
  const auto redis_keys =
      redis_keys_of(layout_, items, [](const ValueWrite& item) { return item.key; });
  const Script& script = set_multi_script();
  run_per_slot(
      redis_keys, group_by_slot(redis_keys),
      [&](const auto& group) {
        Command call = script.call(group.size());
        for (const std::size_t i : group) call.arg(redis_keys[i]);
        for (const std::size_t i : group) call.arg(items[i].value).arg(ttl_argument(items[i].ttl));
        return call;
      },
      &script);
}

void RegionValues::erase_multi(const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  const auto redis_keys = redis_keys_of(layout_, keys, itself);
  run_per_slot(redis_keys, group_by_slot(redis_keys), [&](const auto& group) {
    Command del("DEL");
    for (const std::size_t i : group) del.arg(redis_keys[i]);
    return del;
  });
}

}  // namespace regionkv::redis
