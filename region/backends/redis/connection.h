// One connection to one Redis server: a hiredis context in blocking mode
// whose every wait is bounded (connect by connect_timeout, each read and
// write by io_timeout), logged in (AUTH) and on its database (SELECT).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_H_
#define REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_H_

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "region/backends/redis/command.h"
#include "region/backends/redis/redis_options.h"
#include "region/backends/redis/reply.h"

namespace regionkv::redis {

struct ConnectionSettings {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds io_timeout{1000};
  Credentials credentials;
  int database = 0;  // SELECTed when not 0
};

ConnectionSettings connection_settings(const RedisOptions& options);

// Not thread-safe: one thread at a time (ConnectionPool hands it out).
class Connection {
 public:
  // Connects, authenticates and selects the database. Throws StorageError
  // naming the server and the step that failed: "redis server
  // 127.0.0.1:6379: connect failed: Connection refused", a refused AUTH
  // (wrong password) included.
  Connection(const ServerAddress& server, const ConnectionSettings& settings);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `commands` in one write and reads their replies, in order. Error
  // replies (-ERR, -MOVED, ...) are returned like any other. A failure to
  // write or read (no reply within io_timeout, the server closed the
  // connection) throws StorageError naming the server and commands[0]'s
  // name, and leaves the connection broken(): a reply may still be in
  // flight, so it must not be used again.
  std::vector<Reply> exchange(std::span<const Command* const> commands);
  Reply run(const Command& command);

  bool broken() const { return broken_; }
  // Whether the server has closed this idle connection (or sent something
  // no request asked for): one non-blocking poll, no round trip.
  bool closed_by_server() const;
  const ServerAddress& server() const { return server_; }

 private:
  [[noreturn]] void fail(std::string_view what, int saved_errno);
  void send(const Command& command);
  Reply receive(std::string_view what);

  struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
  };

  ServerAddress server_;
  std::chrono::milliseconds io_timeout_;
  // Freed with the connection, also when the constructor throws.
  std::unique_ptr<redisContext, ContextDeleter> context_;
  bool broken_ = false;
  // Reused by send(): hiredis takes the arguments as two arrays.
  std::vector<const char*> argv_;
  std::vector<std::size_t> lengths_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_H_
