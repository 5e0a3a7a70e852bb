#include "region/backends/redis/redis_client.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "region/backends/redis/key_slot.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::redis {
namespace {

// How long a command answered -TRYAGAIN (keys of one slot split by a
// migration in progress) waits before it is sent again.
constexpr std::chrono::milliseconds kTryAgainPause{10};

// Error answers that mean the command was not run here, and where to run it.
bool must_send_again(const redisReply& reply) {
  return is_error_code(reply, "MOVED") || is_error_code(reply, "ASK") ||
         is_error_code(reply, "TRYAGAIN") || is_error_code(reply, "NOSCRIPT");
}

const Command& asking_command() {
  static const Command asking("ASKING");
  return asking;
}

std::array<const Command*, 2> asking_and(const Command& command) {
  return {&asking_command(), &command};
}

}  // namespace

RedisClient::RedisClient(RedisOptions options)
    : options_(std::move(options)), settings_(connection_settings(options_)) {
  if (!options_.cluster_mode()) standalone_pool_ = &pool_for(options_.server);
}

ConnectionPool& RedisClient::pool_for(const ServerAddress& server) {
  std::lock_guard lock(pools_mutex_);
  auto& pool = pools_[server.to_string()];
  if (!pool) pool = std::make_unique<ConnectionPool>(server, settings_, options_.pool_size);
  return *pool;
}

void RedisClient::refresh_slot_map() {
  common::Deadline deadline(options_.io_timeout);
  refresh_slot_map(deadline);
}

void RedisClient::refresh_slot_map(common::Deadline& deadline) {
  if (!cluster_mode()) return;
  std::lock_guard refresh(refresh_mutex_);
  // The masters known so far first (they are current), then the seeds.
  std::vector<ServerAddress> candidates;
  {
    std::shared_lock lock(slots_mutex_);
    if (slot_map_) candidates = slot_map_->masters();
  }
  candidates.insert(candidates.end(), options_.cluster_seeds.begin(), options_.cluster_seeds.end());
  std::string failures;
  for (const ServerAddress& node : candidates) {
    try {
      ConnectionPool& pool = pool_for(node);
      Reply reply = pool.borrow(deadline)->run(Command("CLUSTER").arg("SLOTS"), deadline);
      if (is_error(*reply)) {
        pool.calls().error_answer();
        throw StorageError(describe_server(node) +
                           ": CLUSTER SLOTS failed: " + printable(reply_text(*reply)));
      }
      SlotMap map = SlotMap::from_cluster_slots(*reply, node);
      std::array<ConnectionPool*, kSlotCount> pools{};
      // Each master's pool looked up once, not once per slot.
      std::vector<std::pair<const ServerAddress*, ConnectionPool*>> pool_of_master;
      for (int slot = 0; slot < kSlotCount; ++slot) {
        const ServerAddress* master = map.master_of(static_cast<std::uint16_t>(slot));
        if (master == nullptr) continue;
        auto known = std::find_if(pool_of_master.begin(), pool_of_master.end(),
                                  [&](const auto& entry) { return entry.first == master; });
        if (known == pool_of_master.end())
          known = pool_of_master.insert(pool_of_master.end(), {master, &pool_for(*master)});
        pools[slot] = known->second;
      }
      std::unique_lock lock(slots_mutex_);
      slot_map_ = std::move(map);
      slot_pools_ = pools;
      return;
    } catch (const StorageError& error) {
      failures += std::string(failures.empty() ? "" : "; ") + error.what();
    }
  }
  throw StorageError("redis cluster: no node answered CLUSTER SLOTS: " + failures);
}

ConnectionPool& RedisClient::pool_for_slot(std::uint16_t slot, std::string_view routing_key,
                                           common::Deadline& deadline) {
  for (int round = 0; round < 2; ++round) {
    if (round == 1) refresh_slot_map(deadline);
    std::shared_lock lock(slots_mutex_);
    if (slot_pools_[slot] != nullptr) return *slot_pools_[slot];
  }
  throw StorageError("redis cluster: no master serves slot " + std::to_string(slot) + " (key '" +
                     printable(routing_key) + "')");
}

void RedisClient::moved(const Redirection& redirection, common::Deadline& deadline) {
  ConnectionPool& pool = pool_for(redirection.target);
  {
    std::unique_lock lock(slots_mutex_);
    if (!slot_map_) slot_map_.emplace();
    slot_map_->assign(redirection.slot, redirection.target);
    slot_pools_[redirection.slot] = &pool;
  }
  // A slot rarely moves alone (a reshard moves ranges): learn the rest now.
  // If no node answers, the one slot learnt above still stands.
  try {
    refresh_slot_map(deadline);
  } catch (const StorageError&) {
  }
}

Reply RedisClient::send_once(const Target& target, const Command& command, const Script* script,
                             common::Deadline& deadline) {
  ConnectionPool::Lease connection = target.pool->borrow(deadline);
  // A script's first call (an EVAL: script.h) goes with the SCRIPT LOAD that
  // tells its SHA-1.
  if (script != nullptr && !script->sha1_known())
    return load_and_send(*connection, target, command, *script, deadline);
  // Most calls: one command, no vectors.
  Reply reply = target.asking
                    ? std::move(connection->exchange(asking_and(command), deadline).back())
                    : connection->run(command, deadline);
  if (script == nullptr || !is_error_code(*reply, "NOSCRIPT")) return reply;
  return load_and_send(*connection, target, command, *script, deadline);
}

Reply RedisClient::load_and_send(Connection& connection, const Target& target,
                                 const Command& command, const Script& script,
                                 common::Deadline& deadline) {
  const Command load = script.load();
  std::vector<const Command*> batch = {&load};
  if (target.asking) batch.push_back(&asking_command());
  batch.push_back(&command);
  std::vector<Reply> replies = connection.exchange(batch, deadline);
  if (is_error(*replies.front())) throw_error_reply(*target.pool, load, {}, *replies.front());
  learn_sha1(script, *replies.front());
  return std::move(replies.back());
}

void RedisClient::learn_sha1(const Script& script, const redisReply& answer) {
  if (answer.type != REDIS_REPLY_STRING)
    throw StorageError("redis: the SCRIPT LOAD of the " + script.name() +
                       " script was answered with something other than a SHA-1");
  script.learn_sha1(std::string(answer.str, answer.len));
}

Reply RedisClient::run(std::string_view routing_key, const Command& command, const Script* script) {
  common::Deadline deadline(options_.io_timeout);
  return run(routing_key, command, script, deadline);
}

Reply RedisClient::run(std::string_view routing_key, const Command& command, const Script* script,
                       common::Deadline& deadline) {
  if (!cluster_mode()) {
    Reply reply = send_once({standalone_pool_}, command, script, deadline);
    if (is_error(*reply)) throw_error_reply(*standalone_pool_, command, routing_key, *reply);
    return reply;
  }
  const std::uint16_t slot = key_slot(routing_key);
  Target target{&pool_for_slot(slot, routing_key, deadline)};
  int moves = 0;
  while (true) {
    Reply reply = send_once(target, command, script, deadline);
    if (!is_error(*reply)) return reply;
    const ServerAddress& answered_by = target.pool->server();
    const auto redirection = redirection_in(*reply, answered_by);
    if (redirection && redirection->kind == Redirection::Kind::kMoved) {
      if (++moves > kMaxMoves)
        throw StorageError("redis cluster: " + std::string(command.name()) + " of key '" +
                           printable(routing_key) + "' was moved " + std::to_string(kMaxMoves) +
                           " times; the slot map keeps changing");
      moved(*redirection, deadline);
      target = {&pool_for(redirection->target)};
      continue;
    }
    // An ASK answered to ASKING would send the command back and forth.
    if (redirection && !target.asking) {
      target = {&pool_for(redirection->target), true};
      continue;
    }
    if (is_error_code(*reply, "TRYAGAIN") && deadline.remaining() > kTryAgainPause) {
      std::this_thread::sleep_for(kTryAgainPause);
      target = {&pool_for_slot(slot, routing_key, deadline)};
      continue;
    }
    throw_error_reply(*target.pool, command, routing_key, *reply);
  }
}

std::vector<Reply> RedisClient::run_all(std::span<const RoutedCommand> commands) {
  common::Deadline deadline(options_.io_timeout);
  // A script's first call is an EVAL (script.h): learn its SHA-1 first, so
  // that the calls after these are EVALSHAs.
  for (const RoutedCommand& routed : commands) {
    if (routed.script == nullptr || routed.script->sha1_known()) continue;
    learn_sha1(*routed.script, *run(routed.routing_key, routed.script->load(), nullptr, deadline));
  }
  std::vector<Reply> replies(commands.size());
  // Group by pool, keeping each server's commands in their order.
  std::vector<std::pair<ConnectionPool*, std::vector<std::size_t>>> groups;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    ConnectionPool* pool = cluster_mode() ? &pool_for_slot(key_slot(commands[i].routing_key),
                                                           commands[i].routing_key, deadline)
                                          : standalone_pool_;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& entry) { return entry.first == pool; });
    if (group == groups.end()) group = groups.insert(groups.end(), {pool, {}});
    group->second.push_back(i);
  }
  for (const auto& [pool, indexes] : groups) {
    std::vector<const Command*> batch;
    batch.reserve(indexes.size());
    for (const std::size_t i : indexes) batch.push_back(commands[i].command);
    std::vector<Reply> answered = pool->borrow(deadline)->exchange(batch, deadline);
    for (std::size_t k = 0; k < indexes.size(); ++k) {
      const RoutedCommand& routed = commands[indexes[k]];
      // A command the server did not run (redirected, or a script it does
      // not hold) is sent again alone, which follows the answer.
      if (is_error(*answered[k]) && must_send_again(*answered[k])) {
        replies[indexes[k]] = run(routed.routing_key, *routed.command, routed.script, deadline);
      } else if (is_error(*answered[k])) {
        throw_error_reply(*pool, *routed.command, routed.routing_key, *answered[k]);
      } else {
        replies[indexes[k]] = std::move(answered[k]);
      }
    }
  }
  return replies;
}

ServerAddress RedisClient::server_for(std::string_view routing_key) {
  if (!cluster_mode()) return options_.server;
  common::Deadline deadline(options_.io_timeout);
  return pool_for_slot(key_slot(routing_key), routing_key, deadline).server();
}

std::vector<ServerAddress> RedisClient::servers() {
  if (!cluster_mode()) return {options_.server};
  {
    std::shared_lock lock(slots_mutex_);
    if (slot_map_) return slot_map_->masters();
  }
  refresh_slot_map();
  std::shared_lock lock(slots_mutex_);
  return slot_map_->masters();
}

std::vector<ServerStats> RedisClient::server_stats() const {
  std::lock_guard lock(pools_mutex_);
  std::vector<ServerStats> stats;
  stats.reserve(pools_.size());
  for (const auto& [name, pool] : pools_) stats.push_back(pool->calls().snapshot());
  return stats;
}

void RedisClient::throw_error_reply(ConnectionPool& pool, const Command& command,
                                    std::string_view routing_key, const redisReply& reply) {
  pool.calls().error_answer();
  const std::string what = describe_server(pool.server()) + ": " + std::string(command.name()) +
                           (routing_key.empty() ? "" : " of key '" + printable(routing_key) + "'") +
                           " failed: " + printable(reply_text(reply));
  if (is_error_code(reply, "WRONGTYPE")) throw Corruption(what);
  throw StorageError(what);
}

}  // namespace regionkv::redis
