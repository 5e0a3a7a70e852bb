#include "region/backends/memcached/libmemcached_options.h"

#include <set>
#include <stdexcept>
#include <string_view>

#include "region/backends/backend_args.h"
#include "regionkv/printable.h"

namespace regionkv::memcached {
namespace {

constexpr std::string_view kStore = "memcached";  // what backend_args' messages start with
constexpr std::string_view kDefaultUrl = "127.0.0.1:11211";

ServerAddress parse_server(std::string_view entry) {
  ServerAddress server;
  std::string_view host = entry;
  std::string_view port;
  if (!entry.empty() && entry.front() == '[') {  // [IPv6]:port
    const auto close = entry.find(']');
    if (close == std::string_view::npos)
      throw std::invalid_argument("memcached: unclosed '[' in server '" + printable(entry) + "'");
    host = entry.substr(1, close - 1);
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        throw std::invalid_argument("memcached: bad server '" + printable(entry) + "'");
      port = rest.substr(1);
    }
  } else if (const auto colon = entry.rfind(':'); colon != std::string_view::npos) {
    host = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
  if (host.empty())
    throw std::invalid_argument("memcached: server '" + printable(entry) + "' has no host");
  server.host = std::string(host);
  if (!port.empty() || entry.back() == ':') {
    server.port =
        static_cast<std::uint16_t>(backend_args::whole_number(kStore, "port", port, 1, 65535));
  }
  return server;
}

void set_behavior(memcached_st* client, memcached_behavior_t flag, std::uint64_t value) {
  const memcached_return_t rc = memcached_behavior_set(client, flag, value);
  if (rc != MEMCACHED_SUCCESS)
    throw std::invalid_argument(std::string("memcached: libmemcached refused a setting: ") +
                                memcached_strerror(client, rc));
}

}  // namespace

std::string ServerAddress::to_string() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::vector<ServerAddress> parse_server_list(const std::string& url) {
  std::vector<ServerAddress> servers;
  std::set<std::string> seen;
  std::string_view rest = url;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view entry = backend_args::trim(rest.substr(0, comma));
    if (entry.empty()) throw std::invalid_argument("memcached: empty server in url '" + printable(url) + "'");
    ServerAddress server = parse_server(entry);
    if (!seen.insert(server.to_string()).second)
      throw std::invalid_argument("memcached: server " + printable(server.to_string()) +
                                  " is listed twice in url '" + printable(url) + "'");
    servers.push_back(std::move(server));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return servers;
}

LibmemcachedOptions parse_libmemcached_options(
    const std::map<std::string, std::string>& backend_args) {
  LibmemcachedOptions options;
  const auto url = backend_args.find("url");
  options.servers =
      parse_server_list(url == backend_args.end() ? std::string(kDefaultUrl) : url->second);
  options.connect_timeout =
      backend_args::timeout_ms(kStore, backend_args, "connect_timeout_ms", options.connect_timeout);
  options.io_timeout =
      backend_args::timeout_ms(kStore, backend_args, "io_timeout_ms", options.io_timeout);
  if (const auto protocol = backend_args.find("protocol"); protocol != backend_args.end()) {
    if (protocol->second == "binary") {
      options.binary_protocol = true;
    } else if (protocol->second != "ascii") {
      throw std::invalid_argument("memcached: unknown protocol '" + printable(protocol->second) +
                                  "'; valid: ascii, binary");
    }
  }
  return options;
}

void configure_client(memcached_st* client, const LibmemcachedOptions& options) {
  // Ketama first: it rebuilds the continuum as servers are added.
  set_behavior(client, MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED, 1);
  set_behavior(client, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, options.binary_protocol);
  set_behavior(client, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
  set_behavior(client, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  // Non-blocking sockets, so every wait is a poll bounded by the timeouts.
  set_behavior(client, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);
  set_behavior(client, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT,
               static_cast<std::uint64_t>(options.connect_timeout.count()));
  set_behavior(client, MEMCACHED_BEHAVIOR_POLL_TIMEOUT,
               static_cast<std::uint64_t>(options.io_timeout.count()));
  set_behavior(client, MEMCACHED_BEHAVIOR_SND_TIMEOUT,
               static_cast<std::uint64_t>(options.io_timeout.count()) * 1000);
  set_behavior(client, MEMCACHED_BEHAVIOR_RCV_TIMEOUT,
               static_cast<std::uint64_t>(options.io_timeout.count()) * 1000);
  // A failed server's keys must fail, not move to a server that lacks them.
  set_behavior(client, MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0);
  for (const auto& server : options.servers) {
    const memcached_return_t rc = memcached_server_add(client, server.host.c_str(), server.port);
    if (rc != MEMCACHED_SUCCESS)
      throw std::invalid_argument("memcached: cannot use server " + printable(server.to_string()) + ": " +
                                  memcached_strerror(client, rc));
  }
}

}  // namespace regionkv::memcached
