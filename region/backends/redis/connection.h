// One connection to one Redis server: a hiredis context, logged in (AUTH)
// and on its database (SELECT), whose every wait is bounded: connecting by
// connect_timeout, each exchange by the Deadline of the call it serves.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_H_
#define REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_H_

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/deadline.h"
#include "region/backends/redis/command.h"
#include "region/backends/redis/redis_options.h"
#include "region/backends/redis/reply.h"
#include "region/backends/redis/server_calls.h"

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
  // Connects, authenticates and selects the database. The TCP connect
  // (bounded by connect_timeout) does not count against `deadline`: it is
  // moved later by the time the connect took. AUTH and SELECT must be
  // answered by the deadline. Throws StorageError naming the server and the
  // step that failed: "redis server 127.0.0.1:6379: connect failed:
  // Connection refused", a refused AUTH (wrong password) included;
  // ServerTimeout if it had no answer in time. Each round trip is counted in
  // `calls`, which must outlive the connection: connecting, then each
  // exchange (AUTH and SELECT together).
  Connection(const ServerAddress& server, const ConnectionSettings& settings, ServerCalls& calls,
             common::Deadline& deadline);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `commands` in one write and reads their replies, in order. Error
  // replies (-ERR, -MOVED, ...) are returned like any other. Sending and
  // every read end by `deadline`, however slowly the server takes or gives
  // bytes. A failure to write or read (the deadline passed: ServerTimeout;
  // the server closed the connection, or answered something that is not
  // RESP) throws StorageError naming the server and commands[0]'s name, and
  // leaves the connection broken(): a reply may still be in flight, so it
  // must not be used again.
  std::vector<Reply> exchange(std::span<const Command* const> commands,
                              const common::Deadline& deadline);
  Reply run(const Command& command, const common::Deadline& deadline);

  bool broken() const { return broken_; }
  // Whether the server has closed this idle connection (or sent something
  // no request asked for): one non-blocking poll, no round trip.
  bool closed_by_server() const;
  const ServerAddress& server() const { return server_; }

 private:
  [[noreturn]] void fail(std::string_view what, int saved_errno);
  // The deadline passed while sending (`events` POLLOUT) or reading.
  [[noreturn]] void time_out(std::string_view what, short events, const common::Deadline& deadline);
  // Waits until the socket is ready for `events`, or throws at the deadline.
  void wait_for(short events, std::string_view what, const common::Deadline& deadline);
  void append(const Command& command);
  // Sends what append() buffered, by the deadline (output_buffer.h: no
  // SIGPIPE).
  void flush(std::string_view what, const common::Deadline& deadline);
  Reply receive(std::string_view what, const common::Deadline& deadline);
  std::vector<Reply> exchange_uncounted(std::span<const Command* const> commands,
                                        const common::Deadline& deadline);

  struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
  };

  ServerAddress server_;
  ServerCalls& calls_;
  // Freed with the connection, also when the constructor throws.
  std::unique_ptr<redisContext, ContextDeleter> context_;
  bool broken_ = false;
  // Whether the exchange under way has read any bytes (a timeout then
  // means an answer cut short, not none).
  bool received_ = false;
  // Reused by send(): hiredis takes the arguments as two arrays.
  std::vector<const char*> argv_;
  std::vector<std::size_t> lengths_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_H_
