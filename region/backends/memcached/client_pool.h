// A pool of libmemcached clients. A memcached_st is not thread-safe, so each
// call borrows one for its duration; clients are clones of one configured
// original, created on demand.
//
// Two ways to borrow:
// - borrow(keys): any idle client; the pool grows to the number of threads
//   calling at once. For calls whose order against other calls does not
//   matter (multi-key reads, a counter increment with no key to keep near).
// - borrow_for(key): the client of the key's stripe, one of kStripes, held
//   exclusively. Every call on one key goes out on the same connection to
//   its server, in the order the calls are made, and memcached answers a
//   connection's requests in order: so a request sent without waiting for
//   its reply ("noreply") is still applied before any later call on its key.
//
// Each borrowing is one call with a deadline (call_watchdog.h): io_timeout
// from the borrowing, plus connect_timeout for each server of the call's
// keys that the client has no connection to yet.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_CLIENT_POOL_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_CLIENT_POOL_H_

#include <libmemcached/memcached.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "region/backends/memcached/call_watchdog.h"
#include "region/backends/memcached/libmemcached_options.h"
#include "region/backends/memcached/server_tally.h"

namespace regionkv::memcached {

// Thread-safe.
class ClientPool {
  struct Stripe {
    std::mutex mutex;
    memcached_st* client = nullptr;  // guarded by mutex; created on first use
  };

 public:
  // Two threads working on different keys share a stripe one time in
  // kStripes, and then take turns.
  static constexpr std::size_t kStripes = 16;

  // A borrowed client, returned to the pool when it goes out of scope, and
  // the call's deadline.
  class Borrowed {
   public:
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    ~Borrowed() {
      watch_.reset();
      pool_.give_back(*this);
    }

    memcached_st* get() const { return client_; }
    // After a failure the connections may hold half-read replies (a timeout
    // leaves the reply in flight), so the client is freed instead of reused.
    void discard() { discard_ = true; }
    bool discarded() const { return discard_; }
    // Where calls made with this client are counted.
    ServerTally& tally() const { return pool_.tally_; }
    // Whether the call's deadline has passed: a timeout it met may be the
    // deadline's rather than one wait's.
    bool past_deadline() const { return watch_->expired(); }
    // The call's budget: io_timeout, and connect_timeout per server to
    // connect to.
    std::chrono::milliseconds budget() const { return watch_->budget(); }
    // Whether the budget counts connect_timeout: the call was to open a
    // connection.
    bool opened_connections() const { return budget() > pool_.io_timeout_; }

   private:
    friend class ClientPool;
    Borrowed(ClientPool& pool, memcached_st* client, std::span<const std::string_view> keys,
             std::unique_lock<std::mutex> stripe_lock = {}, Stripe* stripe = nullptr)
        : pool_(pool),
          client_(client),
          stripe_lock_(std::move(stripe_lock)),
          stripe_(stripe),
          watch_(std::in_place, pool.watchdog_, client, pool.budget_for(client, keys)) {}

    ClientPool& pool_;
    memcached_st* client_;
    std::unique_lock<std::mutex> stripe_lock_;  // held while a stripe's client is out
    Stripe* stripe_;                            // nullptr: an idle client from the pool
    std::optional<CallWatchdog::Watch> watch_;  // reset before the client goes back
    bool discard_ = false;
  };

  // Throws std::invalid_argument if libmemcached refuses the options.
  explicit ClientPool(const LibmemcachedOptions& options);
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;
  ~ClientPool();

  // For a call that sends `keys` (or `key`).
  Borrowed borrow(const std::vector<std::string>& keys);
  Borrowed borrow(std::string_view key);
  // The client of `stripe_key`'s stripe, for a call that sends `key`
  // (default: `stripe_key` itself).
  Borrowed borrow_for(std::string_view stripe_key, std::optional<std::string_view> key = {});
  const ServerTally& tally() const { return tally_; }

 private:
  memcached_st* clone();
  memcached_st* take_idle();
  void give_back(Borrowed& borrowed);
  // io_timeout, and connect_timeout for each server of `keys` that `client`
  // has no connection to.
  std::chrono::milliseconds budget_for(memcached_st* client,
                                       std::span<const std::string_view> keys) const;

  const std::chrono::milliseconds io_timeout_;
  const std::chrono::milliseconds connect_timeout_;
  CallWatchdog watchdog_;  // outlives every Borrowed

  std::mutex mutex_;
  memcached_st* original_;           // guarded by mutex_; never does I/O
  std::vector<memcached_st*> idle_;  // guarded by mutex_
  std::array<Stripe, kStripes> stripes_;
  ServerTally tally_;  // of original_'s servers
};

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_CLIENT_POOL_H_
