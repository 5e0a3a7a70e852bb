#include "region/backends/memcached/client_pool.h"

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
    : original_(configured_client(options)), tally_(original_) {}

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

ClientPool::Borrowed ClientPool::borrow() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      memcached_st* client = idle_.back();
      idle_.pop_back();
      return Borrowed(*this, client);
    }
  }
  return Borrowed(*this, clone());
}

ClientPool::Borrowed ClientPool::borrow_for(std::string_view key) {
  Stripe& stripe = stripes_[std::hash<std::string_view>{}(key) % kStripes];
  std::unique_lock stripe_lock(stripe.mutex);
  if (stripe.client == nullptr) stripe.client = clone();
  return Borrowed(*this, stripe.client, std::move(stripe_lock), &stripe);
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
