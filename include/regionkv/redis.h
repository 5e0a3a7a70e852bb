// The "redis" backing store: a region kept on a Redis server or a Redis
// Cluster, shared by every process and machine that configures a region of
// the same name against the same servers. docs/redis.md is the manual.
//
//   RegionConfig config;
//   config.backing_store = "redis";
//   config.backend_args["url"] = "redis://:secret@10.0.0.1:6379/0";
//   region.configure(config);
//
// Backend arguments (RegionConfig::backend_args), all optional:
//   "url"                redis://[user:password@]host[:port][/db]: the server
//                        (standalone mode), the credentials (":password@"
//                        logs in as the default user, "user:password@" as an
//                        ACL user; both may be percent-encoded) and the
//                        database. Default: "redis://127.0.0.1:6379/0".
//   "cluster"            comma-separated host[:port] seed nodes of a Redis
//                        Cluster: Cluster mode. The url then gives only the
//                        credentials (a cluster has database 0 only).
//                        Default: absent (standalone mode).
//   "connect_timeout_ms" how long a TCP connect may take.     Default: 1000.
//   "io_timeout_ms"      how long one request to the servers may take in
//                        all, from its start: waiting for a free pooled
//                        connection, logging a new one in, sending the
//                        command and reading every byte of the answer,
//                        however slowly it comes (redirections, a script
//                        reload and -TRYAGAIN waits included). TCP connects
//                        are bounded apart and not counted. Every data call
//                        and lock step is one request; a release that finds
//                        its record gone is two. A request that moves much
//                        data (a large value, a long get_multi) needs a
//                        timeout long enough for it.          Default: 1000.
//   "pool_size"          connections per server. Default: twice the hardware
//                        threads, at least 4. Every region of the process
//                        configured with the same url, cluster, timeouts and
//                        pool size shares one client and its pools.
//   "max_value_size"     the largest value accepted, in bytes, at most
//                        512 MiB (the server's proto-max-bulk-len).
//                        Default: 64 MiB.
// Other arguments are ignored. Anything malformed throws
// std::invalid_argument naming the argument. No TLS (rediss://).
//
// What this store guarantees (docs/redis.md says why, and what Redis'
// persistence and replication keep):
// - Expiry is the server's: a value gets its time to live in milliseconds
//   (SET ... PX), a no-expiry key none (and a rewrite drops an earlier one),
//   a lock record its lease. The region's clock sets the time to live; the
//   server's clock runs it out.
// - get, set and erase are one command each. set_multi and erase_multi are
//   atomic in standalone mode (one script, one DEL); in Cluster mode atomic
//   for the keys of each slot, not across slots (a failure part way leaves
//   earlier slots written). get_multi reads each slot at one instant.
// - A server that is down, does not answer within the timeouts, or answers
//   something that is not Redis' protocol makes the call throw StorageError
//   naming the region, the server and the command; a read never takes a
//   broken server for a miss. The connection is closed, never used again
//   with part of an answer in flight. A Cluster slot move (MOVED, ASK,
//   TRYAGAIN) is followed.
// - Keys are limited so that the Redis key (the region's prefix, a bucket
//   tag and the stored key: redis_key()) stays within 64 KiB.
//
// Locks are entirely server-side, every rule of the spec as on rocksdb:
// taking one is one script (a refused attempt takes no token; the token is
// drawn in the step that grants it), a locked write checks the record's
// token and the time rule and writes in one script (no window: a holder
// stalled past its lease is refused by the step that would have written),
// and a release deletes the record only if it carries the lock's token (one
// plain HDEL, atomic by itself).
// Fencing tokens strictly increase per region in standalone mode, and per
// key (per bucket of keys) in Cluster mode.
#ifndef REGIONKV_REDIS_H_
#define REGIONKV_REDIS_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/backend.h"
#include "regionkv/region_config.h"

namespace regionkv {

namespace redis {
class RedisRegion;
}  // namespace redis

// The backing store. Thread-safe.
class RedisBackend : public Backend {
 public:
  // Reads backend_args (throws std::invalid_argument). Contacts no server:
  // connections are made on first use. `region_name` places the region's
  // keys ("rkv:<region name>:..."); processes that share a region must use
  // the same name.
  explicit RedisBackend(const RegionConfig& config, std::string_view region_name = {});
  ~RedisBackend() override;

  // A lock key ("_lock" + stored key) reads as its lock record's bytes, as
  // on the other stores, while the record lives.
  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value, ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

  // backend_args["max_value_size"]; 64 KiB less the region's key prefix.
  std::size_t max_value_size() const override;
  std::size_t max_key_size() const override;

  // The locks on the servers described above.
  LockBackend* native_locks() override;

  // Per server the client has sent a command to (Cluster: the seeds too):
  // round trips (connecting is one; a script reloaded after NOSCRIPT is
  // another), errors (a failed round trip or an error answer that failed
  // the call) and timeouts (no answer within connect_timeout_ms or
  // io_timeout_ms). The client, and so these figures, are shared by every
  // region of the process with the same connection options.
  std::vector<ServerStats> server_stats() const override;

  // For redis-cli: "rkv:<region name, escaped>:", what every key of the
  // region starts with.
  const std::string& key_prefix() const;
  // The Redis key holding a stored key's value, or a lock key's record
  // ("_lock" + stored key): "rkv:<region>:{<bucket>}:<key>".
  std::string redis_key(std::string_view key) const;
  // The Redis key of the counter the lock key's fencing tokens come from.
  std::string fencing_counter_key(std::string_view lock_key) const;
  // "host:port" of the server holding `key` (Cluster mode: its slot's master
  // as far as the client knows; the slot map is read on first use, which
  // may throw StorageError).
  std::string server_of(std::string_view key) const;
  bool cluster_mode() const;

 private:
  std::unique_ptr<redis::RedisRegion> region_;
  std::unique_ptr<LockBackend> locks_;
};

}  // namespace regionkv

#endif  // REGIONKV_REDIS_H_
