#include "region/backends/memcached/client_pool.h"

#include <algorithm>
#include <functional>
#include <new>
#include <stdexcept>

namespace regionkv::memcached {

namespace {

memcached_st* configured_client(const LibmemcachedOptions& options) {
  memcached_st* client = memcached_create(nullptr);
  if (client == nullptr) throw std::bad_alloc();
  try {
    configure_client(client, options);
  } catch (...) {
    memcached_free(client);
    throw;
  }
  return client;
}

}  // namespace

ClientPool::ClientPool(const LibmemcachedOptions& options)
    : io_timeout_(options.io_timeout),
      connect_timeout_(options.connect_timeout),
      watchdog_(options.io_timeout),
      original_(configured_client(options)),
      tally_(original_) {}

ClientPool::~ClientPool() {
  for (memcached_st* client : idle_) memcached_free(client);
  for (Stripe& stripe : stripes_) {
    if (stripe.client != nullptr) memcached_free(stripe.client);
  }
  memcached_free(original_);
}

memcached_st* ClientPool::clone() {
  // Cloning reads the original, so it happens under the mutex.
  std::lock_guard lock(mutex_);
  memcached_st* client = memcached_clone(nullptr, original_);
  if (client == nullptr) throw std::bad_alloc();
  return client;
}

memcached_st* ClientPool::take_idle() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      memcached_st* client = idle_.back();
      idle_.pop_back();
      return client;
    }
  }
  return clone();
}

ClientPool::Borrowed ClientPool::borrow(const std::vector<std::string>& keys) {
  const std::vector<std::string_view> sent(keys.begin(), keys.end());
  return Borrowed(*this, take_idle(), sent);
}

ClientPool::Borrowed ClientPool::borrow(std::string_view key) {
  return Borrowed(*this, take_idle(), std::span(&key, 1));
}

ClientPool::Borrowed ClientPool::borrow_for(std::string_view stripe_key,
                                            std::optional<std::string_view> key) {
  Stripe& stripe = stripes_[std::hash<std::string_view>{}(stripe_key) % kStripes];
  std::unique_lock stripe_lock(stripe.mutex);
  if (stripe.client == nullptr) stripe.client = clone();
  const std::string_view sent = key.value_or(stripe_key);
  return Borrowed(*this, stripe.client, std::span(&sent, 1), std::move(stripe_lock), &stripe);
}

std::chrono::milliseconds ClientPool::budget_for(memcached_st* client,
                                                 std::span<const std::string_view> keys) const {
  std::vector<const memcached_instance_st*> servers;
  for (const std::string_view key : keys) {
    memcached_return_t rc;
    const memcached_instance_st* server =
        memcached_server_by_key(client, key.data(), key.size(), &rc);
    if (server != nullptr && std::find(servers.begin(), servers.end(), server) == servers.end())
      servers.push_back(server);
  }
  // No source port: no connection yet, so the call will open one.
  const auto to_connect = std::count_if(servers.begin(), servers.end(), [](const auto* server) {
    return memcached_server_srcport(server) == 0;
  });
  return io_timeout_ + connect_timeout_ * to_connect;
}

void ClientPool::give_back(Borrowed& borrowed) {
  // A stripe's client stays with its stripe; ~Borrowed then unlocks it.
  if (borrowed.discard_) {
    memcached_free(borrowed.client_);
    if (borrowed.stripe_ != nullptr) borrowed.stripe_->client = nullptr;
    return;
  }
  if (borrowed.stripe_ != nullptr) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(borrowed.client_);
}

}  // namespace regionkv::memcached
