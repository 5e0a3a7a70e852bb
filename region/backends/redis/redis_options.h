// The redis backing store's settings, read from a region's backend_args:
//
//   "url"                redis://[user:password@]host[:port][/db]
//                        The server (standalone mode), the credentials and
//                        the database. ":password@" (no user) authenticates
//                        as the default user (AUTH password), "user:password@"
//                        as an ACL user (AUTH user password); both may be
//                        percent-encoded. IPv6 hosts go in brackets.
//                        Default: "redis://127.0.0.1:6379/0".
//   "cluster"            comma-separated host[:port] seed nodes of a Redis
//                        Cluster. When present the store runs in Cluster
//                        mode: the url's host, port and database are not
//                        used (a cluster has database 0 only; another one in
//                        the url is an error), its credentials are, on
//                        every node. Default: absent (standalone mode).
//   "connect_timeout_ms" how long a TCP connect may take.     Default: 1000.
//   "io_timeout_ms"      how long one call of the client may take in all,
//                        TCP connects aside (redis_client.h). Default: 1000.
//   "pool_size"          connections per server, shared by every thread of
//                        the process (and by every region configured with
//                        the same options: shared_clients.h). Default: twice
//                        the hardware threads, at least 4.
//   "max_value_size"     the largest value accepted, in bytes, from 1 to
//                        512 MiB (Redis' own limit, proto-max-bulk-len).
//                        Default: 64 MiB.
// Other arguments are ignored. Anything malformed throws
// std::invalid_argument naming the argument.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REDIS_OPTIONS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REDIS_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace regionkv::redis {

inline constexpr std::uint16_t kDefaultPort = 6379;
inline constexpr std::size_t kDefaultMaxValueSize = std::size_t{64} << 20;
// A server's largest string with its default proto-max-bulk-len.
inline constexpr std::size_t kLargestValueSize = std::size_t{512} << 20;

struct ServerAddress {
  std::string host;
  std::uint16_t port = kDefaultPort;

  // "host:port", IPv6 hosts in brackets: the server's name in statistics
  // and as a key of the client's pools.
  std::string to_string() const;
  friend bool operator==(const ServerAddress&, const ServerAddress&) = default;
};

// "redis server host:port", how errors name a server (a long host cut).
std::string describe_server(const ServerAddress& server);

struct Credentials {
  std::string user;      // empty: the default user (AUTH password)
  std::string password;  // empty: no AUTH at all
};

// What redis:// URL carries.
struct RedisUrl {
  ServerAddress server{"127.0.0.1", kDefaultPort};
  Credentials credentials;
  int database = 0;
};

struct RedisOptions {
  ServerAddress server{"127.0.0.1", kDefaultPort};  // standalone mode only
  int database = 0;                                 // standalone mode only
  Credentials credentials;
  std::vector<ServerAddress> cluster_seeds;  // non-empty: Redis Cluster mode
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds io_timeout{1000};
  std::size_t pool_size = 4;
  std::size_t max_value_size = kDefaultMaxValueSize;

  bool cluster_mode() const { return !cluster_seeds.empty(); }
};

// Twice the hardware threads, at least 4: every thread of a busy process
// finds a connection without waiting.
std::size_t default_pool_size();

// Throws std::invalid_argument for anything but the form above (a rediss://
// or unix:// URL, query options, a bad port or database).
RedisUrl parse_redis_url(const std::string& url);
// "host:port,host:port"; a missing port is 6379. Throws std::invalid_argument
// for an empty entry, a bad port or a duplicate.
std::vector<ServerAddress> parse_cluster_seeds(const std::string& seeds);
// Reads the arguments listed at the top. Throws std::invalid_argument.
RedisOptions parse_redis_options(const std::map<std::string, std::string>& backend_args);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REDIS_OPTIONS_H_
