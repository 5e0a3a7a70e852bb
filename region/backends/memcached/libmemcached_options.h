// The libmemcached driver's settings, read from a region's backend_args, and
// how they are applied to a client. Shared with bench/ so the raw floor
// benchmark talks to the servers exactly as the driver does.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_LIBMEMCACHED_OPTIONS_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_LIBMEMCACHED_OPTIONS_H_

#include <libmemcached/memcached.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace regionkv::memcached {

struct ServerAddress {
  std::string host;
  std::uint16_t port = 11211;

  // "host:port", IPv6 hosts in brackets.
  std::string to_string() const;
};

struct LibmemcachedOptions {
  std::vector<ServerAddress> servers;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds io_timeout{1000};
  bool binary_protocol = false;
};

// Parses "host:port,host:port" (spaces around entries allowed; a missing
// port is 11211; IPv6 as "[::1]:11211"). Throws std::invalid_argument for an
// empty list, a bad port or a duplicate server.
std::vector<ServerAddress> parse_server_list(const std::string& url);

// Reads "url", "connect_timeout_ms", "io_timeout_ms" and "protocol"; ignores
// other arguments. Throws std::invalid_argument for a malformed value.
LibmemcachedOptions parse_libmemcached_options(
    const std::map<std::string, std::string>& backend_args);

// Adds the servers and sets the behaviours the driver relies on: ketama
// consistent hashing, TCP_NODELAY, CAS, the timeouts, no automatic ejection
// of failed servers (their keys must not move to the others). Throws
// std::invalid_argument if libmemcached refuses a server.
void configure_client(memcached_st* client, const LibmemcachedOptions& options);

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_LIBMEMCACHED_OPTIONS_H_
