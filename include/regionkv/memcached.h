// The "memcached" backing store: a region kept on a pool of memcached
// servers, shared by every process and machine that configures a region of
// the same name against the same servers (the seed's openstack.kvs.Memcached).
//
//   RegionConfig config;
//   config.backing_store = "memcached";
//   config.backend_args["url"] = "10.0.0.1:11211,10.0.0.2:11211";
//   region.configure(config);
//
// Backend arguments (RegionConfig::backend_args), all optional:
//   "url"                comma-separated host:port list. Keys are spread over
//                        the servers by consistent hashing (ketama), so
//                        adding a server moves few keys.
//                        Default: "127.0.0.1:11211".
//   "memcached_backend"  the client driver, by registered name.
//                        Default: "libmemcached".
//   "connect_timeout_ms" how long a connect may take.         Default: 1000.
//   "io_timeout_ms"      how long one request to the servers may take in
//                        all, from its start: sending it and reading every
//                        byte of the answer, however slowly it comes; no
//                        single wait is longer. A request that must first
//                        open a connection may take connect_timeout_ms more
//                        for each it opens. libmemcached bounds only each
//                        wait, so a watchdog thread per region ends a
//                        request that runs over, at most io_timeout_ms / 8
//                        late on a machine that runs it on time. A read or
//                        write is one request (set_multi and erase_multi one
//                        per key), a lock step one or two. A request that
//                        moves much data needs a timeout long enough for
//                        it.                                  Default: 1000.
//   "protocol"           "ascii" (the default) or "binary". The ASCII
//                        protocol is faster with libmemcached but its keys may
//                        not contain spaces or control characters, which only
//                        matters with key mangling disabled.
//   "max_value_size"     the largest value accepted, in bytes. Default:
//                        1 MiB minus 1 KiB, what a server run with the
//                        default item size (-I 1m) stores. Raise it together
//                        with the servers' -I.
// Other arguments are ignored (a custom driver may read its own).
//
// What memcached does and does not guarantee (docs/distributed.md):
// - Expiry is the servers': values get the region's expire_time as their
//   memcached expiry (no-expiry keys none), lock records their lease.
// - Servers may evict any record under memory pressure, and lose every record
//   when they restart: a value may vanish before it expires, and so may a
//   lock record while its holder still works under it.
// - set_multi and erase_multi are not atomic: a failure part way leaves the
//   items before it written.
// - A server that is down, does not answer within the timeouts, or answers
//   something that is not memcached's protocol makes calls on its keys throw
//   StorageError naming it (a read never takes it for a miss); the other
//   servers keep serving theirs. Keys are not moved to the surviving
//   servers. A client that failed is freed, never used again with part of an
//   answer in flight.
//
// Locks: the record "_lock" + mangled key is created with memcached "add"
// (so exactly one caller gets it) and expires on the server when its lease
// runs out. Fencing tokens come from a per-region counter on the servers
// ("incr"): strictly increasing in the order they are issued. Release deletes
// the record only if it is still the one this lock added (memcached CAS), and
// does not wait for the server's answer; later calls on the key from this
// process are applied after it (MemcachedDriver::cas_erase_without_reply).
// A locked write reads the record, checks the token, then writes: two steps,
// so a holder stalled for longer than its remaining lease (at least 1 s by
// the region's LockTimeout margin) between them can still write once after a
// takeover. memcached offers no atomic check-and-write across two keys.
#ifndef REGIONKV_MEMCACHED_H_
#define REGIONKV_MEMCACHED_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regionkv/backend.h"
#include "regionkv/region_config.h"
#include "regionkv/stats.h"

namespace regionkv {

// A memcached expiry as the protocol defines it: 0 never expires; up to
// kMemcachedMaxRelativeExpiry it counts seconds from now; above, it is an
// absolute Unix time in seconds.
using MemcachedExpiry = std::uint32_t;
inline constexpr MemcachedExpiry kMemcachedMaxRelativeExpiry = 60 * 60 * 24 * 30;

// A stored item and its CAS unique (memcached "gets").
struct MemcachedItem {
  std::string value;
  std::uint64_t cas = 0;
};

enum class CasResult {
  kStored,   // the item still had the CAS unique, and was replaced or deleted
  kChanged,  // the item was changed since it was read: nothing was done
  kAbsent,   // no such item: nothing was done
};

// The client a MemcachedBackend talks to: one memcached pool, keys as sent
// on the wire. Implementations must be thread-safe. Server failures throw
// StorageError naming the server, an answer that is not the protocol's
// included (never a miss); a value the server refuses as too large throws
// std::invalid_argument. Each call should end within the region's
// io_timeout_ms (and connect_timeout_ms per connection it opens).
class MemcachedDriver {
 public:
  virtual ~MemcachedDriver() = default;

  // The item at `key` with its CAS unique, or nullopt.
  virtual std::optional<MemcachedItem> get(std::string_view key) = 0;
  // Values in key order, nullopt for a miss.
  virtual std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) = 0;

  virtual void set(std::string_view key, std::string_view value, MemcachedExpiry expiry) = 0;
  // Every item gets the same expiry (the seed's set_multi "set arguments").
  // Default: set() for each item.
  virtual void set_multi(const std::vector<std::pair<std::string, std::string>>& items,
                         MemcachedExpiry expiry);
  // Stores only if `key` holds nothing. Returns whether it stored.
  virtual bool add(std::string_view key, std::string_view value, MemcachedExpiry expiry) = 0;
  // Deletes the item only if its CAS unique is still `cas`.
  virtual CasResult cas_erase(std::string_view key, std::uint64_t cas) = 0;
  // cas_erase() for a caller that does not need the answer (releasing a
  // lock: a record whose CAS unique changed is no longer the caller's). A
  // client may return once the request is sent, provided every later call
  // on `key` from this process except increment() is applied after it.
  // Failing to send throws as cas_erase() does. Default: cas_erase().
  virtual void cas_erase_without_reply(std::string_view key, std::uint64_t cas);
  // Deletes the item. Returns whether there was one.
  virtual bool erase(std::string_view key) = 0;
  // Adds `delta` to the counter at `key` and returns the new value; a
  // missing counter is created holding `initial` (and `initial` returned).
  virtual std::uint64_t increment(std::string_view key, std::uint64_t delta,
                                  std::uint64_t initial) = 0;
  // increment(), for a caller about to make calls on `affinity_key`: a
  // client may send it on the connection it uses for that key, so that the
  // whole sequence reaches one server connection (one server thread to wake)
  // when both keys live on the same server. Default: increment().
  virtual std::uint64_t increment_with_affinity(std::string_view key, std::uint64_t delta,
                                                std::uint64_t initial,
                                                std::string_view affinity_key);

  // add(), then the item `key` holds afterwards (this caller's or the one
  // that was there), with its CAS unique; nullopt if it vanished meanwhile.
  // Default: add() then get(), two round trips; a client that can pipeline
  // them should.
  virtual std::optional<MemcachedItem> add_and_get(std::string_view key, std::string_view value,
                                                   MemcachedExpiry expiry);

  // The servers and the calls made to each (RegionStats::servers). Default:
  // none.
  virtual std::vector<ServerStats> server_stats() const { return {}; }

  // Keys longer than this are never sent. Default: 250, the protocol's limit.
  virtual std::size_t max_key_size() const { return 250; }
  // false: keys with spaces or control bytes are never sent (the ASCII
  // protocol cannot carry them). Default: true.
  virtual bool accepts_any_key_bytes() const { return true; }
};

// Receives the region's configuration, backend_args included.
using MemcachedDriverFactory = std::function<std::unique_ptr<MemcachedDriver>(const RegionConfig&)>;

// Registers a driver under `name`, for backend_args["memcached_backend"].
// Registering a name again replaces its factory; "libmemcached" is built in.
// Thread-safe.
void register_memcached_driver(const std::string& name, MemcachedDriverFactory factory);
// Sorted names, the built-in included.
std::vector<std::string> registered_memcached_drivers();

// The backing store. Thread-safe. Keys are stored under a prefix derived from
// the region's name (16 hex digits of its XXH3 hash and ':'), so regions that
// share servers stay apart; an empty region name stores keys unprefixed.
class MemcachedBackend : public Backend {
 public:
  // Builds the driver named by backend_args["memcached_backend"]. Throws
  // std::invalid_argument for an unknown driver (listing the valid names) or
  // a malformed argument. Connects lazily: no server is contacted here.
  explicit MemcachedBackend(const RegionConfig& config, std::string_view region_name = {});
  ~MemcachedBackend() override;

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value, ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

  // The driver's key limit less the region prefix, and
  // backend_args["max_value_size"].
  std::size_t max_value_size() const override { return max_value_size_; }
  std::size_t max_key_size() const override { return max_key_size_; }

  // The locks on the servers described above.
  LockBackend* native_locks() override { return locks_.get(); }

  // The driver's, per server.
  std::vector<ServerStats> server_stats() const override { return driver_->server_stats(); }

  // The client (the seed's backend.driver).
  MemcachedDriver& driver() const { return *driver_; }
  // What every key of this region is prefixed with on the servers.
  const std::string& key_prefix() const { return key_prefix_; }
  // The expiry sent for a value expiring at `expires_at`, as of now().
  MemcachedExpiry expiry_for(ExpiresAt expires_at) const;

 private:
  class Locks;  // the lock algorithm on the servers, over this store's calls
  std::string wire_key(std::string_view key) const;
  void check_key(std::string_view key) const;
  void check_value(std::string_view key, std::string_view value) const;
  // Runs a driver call, prefixing the region's name to a StorageError.
  template <typename Call>
  auto on_servers(Call&& call) const -> decltype(call());

  std::string region_name_;
  std::string key_prefix_;
  std::unique_ptr<MemcachedDriver> driver_;
  std::size_t max_value_size_ = 0;
  std::size_t max_key_size_ = 0;
  std::unique_ptr<LockBackend> locks_;
};

}  // namespace regionkv

#endif  // REGIONKV_MEMCACHED_H_
