// The connections to one Redis server, shared by every thread of a process.
// At most `size` connections exist; a thread borrows one for a call (or a
// pipelined batch) and gives it back. Connections are opened on demand, so a
// server that is down costs nothing until it is used, and one that broke
// (a timeout, a restart) is dropped and replaced by a fresh one next time.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_POOL_H_
#define REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "region/backends/redis/connection.h"

namespace regionkv::redis {

// Thread-safe.
class ConnectionPool {
 public:
  // A borrowed connection, given back when it goes out of scope: kept for
  // the next borrower if it is healthy, closed if it is broken().
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}

    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Contacts no server. REQUIRES: size >= 1.
  ConnectionPool(ServerAddress server, ConnectionSettings settings, std::size_t size);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection, or a new one while fewer than `size` exist, else the
  // first one given back before `deadline`. An idle connection the server
  // has closed meanwhile is replaced, not handed out. Opening one moves the
  // deadline later by the time the TCP connect took (Connection). Throws
  // StorageError naming the server if connecting fails or none is free in
  // time.
  Lease borrow(common::Deadline& deadline);

  const ServerAddress& server() const { return server_; }
  // The round trips made to the server (connection.h says which count).
  ServerCalls& calls() { return calls_; }
  const ServerCalls& calls() const { return calls_; }
  // Connections open now, lent or idle (for tests).
  std::size_t open_connections() const;
  // Threads waiting in borrow() for a connection to come back (for tests).
  std::size_t waiting_borrowers() const;

 private:
  void give_back(std::unique_ptr<Connection> connection);
  // Takes an idle connection, or reserves the right to open one; waits for
  // either until `deadline`. nullptr: open one.
  std::unique_ptr<Connection> take_idle_or_reserve(const common::Deadline& deadline);
  void release_reservation();

  const ServerAddress server_;
  const ConnectionSettings settings_;
  const std::size_t size_;
  ServerCalls calls_;

  mutable std::mutex mutex_;
  std::condition_variable given_back_;
  // Idle connections with when they were given back, newest last.
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  std::vector<Idle> idle_;  // guarded by mutex_
  std::size_t open_ = 0;    // guarded by mutex_; lent + idle + being opened
  std::size_t waiting_ = 0;  // guarded by mutex_; borrowers waiting
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_CONNECTION_POOL_H_
