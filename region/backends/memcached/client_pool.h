// A pool of libmemcached clients. A memcached_st is not thread-safe, so each
// call borrows one for its duration; clients are clones of one configured
// original and are created on demand, so the pool grows to the number of
// threads calling at once.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_CLIENT_POOL_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_CLIENT_POOL_H_

#include <libmemcached/memcached.h>

#include <mutex>
#include <vector>

#include "region/backends/memcached/libmemcached_options.h"

namespace regionkv::memcached {

// Thread-safe.
class ClientPool {
 public:
  // A borrowed client, returned to the pool when it goes out of scope.
  class Borrowed {
   public:
    Borrowed(ClientPool& pool, memcached_st* client) : pool_(pool), client_(client) {}
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    ~Borrowed() { pool_.give_back(client_, discard_); }

    memcached_st* get() const { return client_; }
    // After a failure the connections may hold half-read replies (a timeout
    // leaves the reply in flight), so the client is freed instead of reused.
    void discard() { discard_ = true; }

   private:
    ClientPool& pool_;
    memcached_st* client_;
    bool discard_ = false;
  };

  // Throws std::invalid_argument if libmemcached refuses the options.
  explicit ClientPool(const LibmemcachedOptions& options);
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;
  ~ClientPool();

  Borrowed borrow();

 private:
  void give_back(memcached_st* client, bool discard);

  std::mutex mutex_;
  memcached_st* original_;           // guarded by mutex_; never does I/O
  std::vector<memcached_st*> idle_;  // guarded by mutex_
};

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_CLIENT_POOL_H_
