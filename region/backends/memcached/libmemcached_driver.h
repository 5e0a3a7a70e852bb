// The built-in "libmemcached" driver: libmemcached clients from a pool
// (client_pool.h); calls on one key share a connection, so they are applied
// in the order they are made.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_LIBMEMCACHED_DRIVER_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_LIBMEMCACHED_DRIVER_H_

#include <memory>

#include "region/backends/memcached/client_pool.h"
#include "region/backends/memcached/libmemcached_options.h"
#include "regionkv/memcached.h"

namespace regionkv::memcached {

inline constexpr const char* kLibmemcachedDriverName = "libmemcached";

// Thread-safe. Any failure other than the expected answers (miss, exists,
// not stored) frees the client that saw it, so no later call reads a reply
// meant for an earlier one, and throws StorageError naming the server. Each
// call has a deadline (client_pool.h, call_watchdog.h): io_timeout from its
// start, and connect_timeout more for each server of its keys it must
// connect to.
class LibmemcachedDriver final : public MemcachedDriver {
 public:
  explicit LibmemcachedDriver(const LibmemcachedOptions& options);

  std::optional<MemcachedItem> get(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(const std::vector<std::string>& keys) override;
  void set(std::string_view key, std::string_view value, MemcachedExpiry expiry) override;
  bool add(std::string_view key, std::string_view value, MemcachedExpiry expiry) override;
  // A CAS write of an already expired item: memcached has no conditional
  // delete in the ASCII protocol, and an expired item reads as absent.
  CasResult cas_erase(std::string_view key, std::uint64_t cas) override;
  bool erase(std::string_view key) override;
  // On any idle client: a counter shared by every lock of a region must not
  // make them take turns on one connection.
  std::uint64_t increment(std::string_view key, std::uint64_t delta,
                          std::uint64_t initial) override;
  // On the client of `affinity_key`'s stripe.
  std::uint64_t increment_with_affinity(std::string_view key, std::uint64_t delta,
                                        std::uint64_t initial,
                                        std::string_view affinity_key) override;
  // One round trip: the add is sent without asking for a reply ("noreply"),
  // and the get that follows on the same connection sees its outcome.
  std::optional<MemcachedItem> add_and_get(std::string_view key, std::string_view value,
                                           MemcachedExpiry expiry) override;
  // Sent with "noreply"; ordered before later calls on `key` because every
  // single-key call but increment() goes out on the key's stripe of clients
  // (client_pool.h).
  void cas_erase_without_reply(std::string_view key, std::uint64_t cas) override;
  bool accepts_any_key_bytes() const override { return binary_protocol_; }
  std::vector<ServerStats> server_stats() const override;

 private:
  ClientPool pool_;
  const bool binary_protocol_;
};

// The factory registered as "libmemcached": reads the options from
// config.backend_args.
std::unique_ptr<MemcachedDriver> make_libmemcached_driver(const RegionConfig& config);

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_LIBMEMCACHED_DRIVER_H_
