#include "region/backends/redis/connection_pool.h"

#include <string>

#include "regionkv/errors.h"

namespace regionkv::redis {
namespace {

// A connection idle for longer than this is checked for a close by the
// server before it is used (a restarted server closed it; using it would
// fail the call). Back-to-back calls skip the check, a poll(2).
constexpr std::chrono::milliseconds kCheckAfterIdle{1};

}  // namespace

ConnectionPool::ConnectionPool(ServerAddress server, ConnectionSettings settings, std::size_t size)
    : server_(std::move(server)),
      settings_(std::move(settings)),
      size_(size),
      calls_(server_.to_string()) {}

std::unique_ptr<Connection> ConnectionPool::take_idle_or_reserve(const common::Deadline& deadline) {
  std::unique_lock lock(mutex_);
  const auto has_room = [&] { return !idle_.empty() || open_ < size_; };
  // Checked before the timed wait, which reads the clock to start.
  bool available = has_room();
  if (!available) {
    ++waiting_;
    available = given_back_.wait_until(lock, deadline.at(), has_room);
    --waiting_;
  }
  if (!available)
    throw StorageError(describe_server(server_) + ": all " + std::to_string(size_) +
                       " connections (pool_size) stayed busy for the call's " +
                       std::to_string(deadline.budget().count()) + " ms (io_timeout_ms)");
  if (idle_.empty()) {
    ++open_;
    return nullptr;
  }
  Idle idle = std::move(idle_.back());
  idle_.pop_back();
  lock.unlock();
  if (std::chrono::steady_clock::now() - idle.since < kCheckAfterIdle ||
      !idle.connection->closed_by_server())
    return std::move(idle.connection);
  // Closed by the server: its place is reserved for a new one.
  idle.connection.reset();
  return nullptr;
}

void ConnectionPool::release_reservation() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  given_back_.notify_one();
}

ConnectionPool::Lease ConnectionPool::borrow(common::Deadline& deadline) {
  std::unique_ptr<Connection> connection = take_idle_or_reserve(deadline);
  if (!connection) {
    try {
      connection = std::make_unique<Connection>(server_, settings_, calls_, deadline);
    } catch (...) {
      release_reservation();
      throw;
    }
  }
  return Lease(this, std::move(connection));
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) {
  if (connection->broken()) {
    connection.reset();
    release_reservation();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
  }
  given_back_.notify_one();
}

std::size_t ConnectionPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionPool::waiting_borrowers() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace regionkv::redis
