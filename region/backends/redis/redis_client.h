// The client every redis command of a region goes through: it knows where a
// key lives and gets the command there.
//
// Standalone mode: one server, one connection pool.
// Cluster mode: the slot map from CLUSTER SLOTS (asked of the seed nodes on
// first use, and again after each -MOVED), a pool per master. A command goes
// to the master of its routing key's slot; the cluster's answers are
// followed:
//   -MOVED slot host:port   the slot moved for good: remember it, refresh
//                           the map, send the command there;
//   -ASK slot host:port     the slot is being migrated and the source does
//                           not hold the keys: send ASKING + the command to
//                           the target, without changing the map;
//   -TRYAGAIN               a multi-key command whose keys the migration has
//                           split, or (on the target) that are not all there
//                           yet: wait 10 ms and start again from the slot's
//                           master, for up to io_timeout, then fail. So a
//                           script creating keys (a new lock) waits for the
//                           migration of its slot to end.
// A node answering -MOVED, -ASK or -TRYAGAIN has not run the command, so
// sending it elsewhere runs it at most once. At most kMaxMoves -MOVED per
// call.
//
// Scripts: a call given its Script that meets -NOSCRIPT loads the script on
// that connection (SCRIPT LOAD) and is sent again, in one round trip. A
// script's first call in the process (an EVAL, script.h) goes with a SCRIPT
// LOAD too, whose answer is the SHA-1 the later calls use.
//
// Time: each call of run() or run_all() has one Deadline, io_timeout from
// its start, that bounds all of it: waiting for a pooled connection, every
// exchange (a -NOSCRIPT reload, redirections and -TRYAGAIN waits included)
// and reading the slot map when it needs to. Opening a connection is bounded
// apart, by connect_timeout, and moves the deadline later by the time the
// TCP connect took (connection.h).
//
// Errors: a server that is down, stops answering, answers too slowly or with
// something that is not RESP, or answers a command with an error makes the
// call throw StorageError naming the server and the command; a WRONGTYPE
// answer (a key holding another kind of value than regionkv writes there)
// throws Corruption.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REDIS_CLIENT_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REDIS_CLIENT_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/deadline.h"
#include "region/backends/redis/cluster_topology.h"
#include "region/backends/redis/command.h"
#include "region/backends/redis/connection_pool.h"
#include "region/backends/redis/redis_options.h"
#include "region/backends/redis/reply.h"
#include "region/backends/redis/script.h"
#include "regionkv/stats.h"

namespace regionkv::redis {

// A command, the key that decides where it goes (every key it touches must
// share that key's slot), and its Script if it is an EVALSHA.
struct RoutedCommand {
  std::string_view routing_key;
  const Command* command = nullptr;
  const Script* script = nullptr;
};

// Thread-safe.
class RedisClient {
 public:
  static constexpr int kMaxMoves = 16;

  // Contacts no server: connections are made on first use.
  explicit RedisClient(RedisOptions options);
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // `command`'s reply from the server holding `routing_key`'s slot. Never an
  // error reply: those throw (see the top).
  Reply run(std::string_view routing_key, const Command& command, const Script* script = nullptr);
  // The replies to `commands`, in order. Commands for one server go out on
  // one connection in one write (a pipeline); servers are visited one after
  // the other. Not atomic as a whole: each command is. On a throw, the
  // commands before the failing one may have been applied.
  std::vector<Reply> run_all(std::span<const RoutedCommand> commands);

  bool cluster_mode() const { return options_.cluster_mode(); }
  // The server that `routing_key`'s slot lives on, as far as this client
  // knows (cluster: asks the seeds on first use).
  ServerAddress server_for(std::string_view routing_key);
  // Standalone: the server. Cluster: the masters serving slots, as of the
  // last refresh of the map.
  std::vector<ServerAddress> servers();
  // Re-reads the slot map from the cluster (cluster mode; else nothing).
  void refresh_slot_map();
  // Every server this client has sent a command to (cluster: seeds
  // included), with its round trips, errors and timeouts; ordered by name.
  std::vector<ServerStats> server_stats() const;

 private:
  // Where a call is sent: the pool, and whether ASKING goes first.
  struct Target {
    ConnectionPool* pool;
    bool asking = false;
  };

  Reply run(std::string_view routing_key, const Command& command, const Script* script,
            common::Deadline& deadline);
  void refresh_slot_map(common::Deadline& deadline);
  ConnectionPool& pool_for(const ServerAddress& server);
  ConnectionPool& pool_for_slot(std::uint16_t slot, std::string_view routing_key,
                                common::Deadline& deadline);
  // One exchange on one connection: [ASKING,] command, and on -NOSCRIPT
  // [SCRIPT LOAD, ASKING,] command again; a script's first call goes as
  // [SCRIPT LOAD, ASKING,] command at once. Returns the command's reply.
  Reply send_once(const Target& target, const Command& command, const Script* script,
                  common::Deadline& deadline);
  // SCRIPT LOAD, then `command`, in one exchange; keeps the SHA-1 answered.
  Reply load_and_send(Connection& connection, const Target& target, const Command& command,
                      const Script& script, common::Deadline& deadline);
  static void learn_sha1(const Script& script, const redisReply& answer);
  // After a -MOVED: the slot's new master, and a refreshed map if the
  // cluster answers in time.
  void moved(const Redirection& redirection, common::Deadline& deadline);
  // Counts the error in `pool`'s calls, then throws.
  [[noreturn]] void throw_error_reply(ConnectionPool& pool, const Command& command,
                                      std::string_view routing_key, const redisReply& reply);

  const RedisOptions options_;
  const ConnectionSettings settings_;

  mutable std::mutex pools_mutex_;
  std::map<std::string, std::unique_ptr<ConnectionPool>> pools_;  // guarded; never erased
  ConnectionPool* standalone_pool_ = nullptr;

  // Cluster mode: the pool of each slot's master, nullptr if none or the map
  // was never read.
  std::shared_mutex slots_mutex_;
  std::optional<SlotMap> slot_map_;                          // guarded by slots_mutex_
  std::array<ConnectionPool*, kSlotCount> slot_pools_ = {};  // guarded by slots_mutex_
  std::mutex refresh_mutex_;                                 // one refresh at a time
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REDIS_CLIENT_H_
