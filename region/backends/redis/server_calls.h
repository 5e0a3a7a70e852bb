// Per Redis server, the round trips a client made to it and how they ended
// (ServerStats in include/regionkv/stats.h). Each connection pool keeps one,
// so the figures are those of every region sharing the client.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_SERVER_CALLS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_SERVER_CALLS_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "regionkv/errors.h"
#include "regionkv/stats.h"

namespace regionkv::redis {

// A StorageError because the server did not answer in time (connect_timeout
// or io_timeout), told apart so that it is counted as a timeout.
class ServerTimeout : public StorageError {
 public:
  using StorageError::StorageError;
};

// Thread-safe.
class ServerCalls {
 public:
  explicit ServerCalls(std::string server) : server_(std::move(server)) {}

  // Runs `exchange`, one round trip, and counts it; if it throws StorageError
  // also as an error, and a ServerTimeout as a timeout too.
  template <typename Exchange>
  auto round_trip(Exchange&& exchange) -> decltype(exchange()) {
    round_trips_.fetch_add(1, std::memory_order_relaxed);
    try {
      return exchange();
    } catch (const StorageError& error) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (dynamic_cast<const ServerTimeout*>(&error) != nullptr)
        timeouts_.fetch_add(1, std::memory_order_relaxed);
      throw;
    }
  }
  // A round trip, counted already, whose error answer fails the call.
  void error_answer() { errors_.fetch_add(1, std::memory_order_relaxed); }

  ServerStats snapshot() const {
    return ServerStats{server_, round_trips_.load(std::memory_order_relaxed),
                       errors_.load(std::memory_order_relaxed),
                       timeouts_.load(std::memory_order_relaxed)};
  }

 private:
  const std::string server_;  // "host:port"
  std::atomic<std::uint64_t> round_trips_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> timeouts_{0};
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_SERVER_CALLS_H_
