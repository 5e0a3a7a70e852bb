#include "region/backends/memcached/client_pool.h"

#include <new>
#include <stdexcept>

namespace regionkv::memcached {

ClientPool::ClientPool(const LibmemcachedOptions& options) : original_(memcached_create(nullptr)) {
  if (original_ == nullptr) throw std::bad_alloc();
  try {
    configure_client(original_, options);
  } catch (...) {
    memcached_free(original_);
    throw;
  }
}

ClientPool::~ClientPool() {
  for (memcached_st* client : idle_) memcached_free(client);
  memcached_free(original_);
}

ClientPool::Borrowed ClientPool::borrow() {
  std::lock_guard lock(mutex_);
  if (!idle_.empty()) {
    memcached_st* client = idle_.back();
    idle_.pop_back();
    return Borrowed(*this, client);
  }
  // Cloning reads the original, so it happens under the mutex too.
  memcached_st* client = memcached_clone(nullptr, original_);
  if (client == nullptr) throw std::bad_alloc();
  return Borrowed(*this, client);
}

void ClientPool::give_back(memcached_st* client, bool discard) {
  if (discard) {
    memcached_free(client);
    return;
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(client);
}

}  // namespace regionkv::memcached
