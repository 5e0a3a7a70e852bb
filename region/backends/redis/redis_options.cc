#include "region/backends/redis/redis_options.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "common/describe.h"
#include "region/backends/backend_args.h"
#include "regionkv/printable.h"

namespace regionkv::redis {
namespace {

constexpr std::string_view kScheme = "redis://";
constexpr std::string_view kDefaultUrl = "redis://127.0.0.1:6379/0";
constexpr std::string_view kStore = "redis";  // what every message here starts with
constexpr std::int64_t kLargestPool = 4096;

[[noreturn]] void invalid(const std::string& what) {
  throw std::invalid_argument(std::string(kStore) + ": " + what);
}

using backend_args::trim;

// `url` as messages may echo it: printable, and its password (everything
// after the user up to the last '@', as the parser reads it) replaced by
// "***", since messages end up in logs.
std::string echoed_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto at = url.rfind('@');
  if (at == std::string_view::npos || at < authority) return printable(url);
  const std::string_view userinfo = url.substr(authority, at - authority);
  const auto colon = userinfo.find(':');
  const std::string user =
      colon == std::string_view::npos ? "" : std::string(userinfo.substr(0, colon)) + ":";
  return printable(std::string(url.substr(0, authority)) + user + "***" +
                   std::string(url.substr(at)));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) invalid("bad percent-encoding in the url's credentials");
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// "host", "host:port", "[v6]" or "[v6]:port".
ServerAddress parse_address(std::string_view entry) {
  std::string_view host = entry;
  std::optional<std::string_view> port;
  if (!entry.empty() && entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) invalid("unclosed '[' in '" + printable(entry) + "'");
    host = entry.substr(1, close - 1);
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') invalid("bad server '" + printable(entry) + "'");
      port = rest.substr(1);
    }
  } else if (const auto colon = entry.rfind(':'); colon != std::string_view::npos) {
    host = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
  if (host.empty()) invalid("server '" + printable(entry) + "' has no host");
  ServerAddress address{std::string(host), kDefaultPort};
  if (port)
    address.port =
        static_cast<std::uint16_t>(backend_args::whole_number(kStore, "port", *port, 1, 65535));
  return address;
}

Credentials parse_credentials(std::string_view userinfo) {
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos)
    invalid("credentials in the url must be 'user:password@' or ':password@'");
  Credentials credentials{percent_decoded(userinfo.substr(0, colon)),
                          percent_decoded(userinfo.substr(colon + 1))};
  if (credentials.password.empty()) invalid("the url names a user but no password");
  return credentials;
}

}  // namespace

std::string ServerAddress::to_string() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string describe_server(const ServerAddress& server) {
  return common::describe_server("redis", server.to_string());
}

std::size_t default_pool_size() {
  return std::max<std::size_t>(4, std::size_t{2} * std::thread::hardware_concurrency());
}

RedisUrl parse_redis_url(const std::string& url) {
  std::string_view rest = trim(url);
  if (rest.substr(0, 9) == "rediss://")
    invalid("'" + echoed_url(url) + "': TLS (rediss://) is not supported by this hiredis");
  if (rest.substr(0, kScheme.size()) != kScheme)
    invalid("url '" + echoed_url(url) + "' does not start with redis://");
  rest.remove_prefix(kScheme.size());
  if (rest.find('?') != std::string_view::npos)
    invalid("url '" + echoed_url(url) + "' has query options; give them as backend_args");

  RedisUrl parsed;
  // The last '@': a password may hold '@' (percent-encoded or not).
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    parsed.credentials = parse_credentials(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  const auto slash = rest.find('/');
  parsed.server = parse_address(rest.substr(0, slash));
  if (slash != std::string_view::npos && slash + 1 < rest.size())
    parsed.database = static_cast<int>(
        backend_args::whole_number(kStore, "database", rest.substr(slash + 1), 0, INT_MAX));
  return parsed;
}

std::vector<ServerAddress> parse_cluster_seeds(const std::string& seeds) {
  std::vector<ServerAddress> servers;
  std::set<std::string> seen;
  std::string_view rest = seeds;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view entry = trim(rest.substr(0, comma));
    if (entry.empty()) invalid("empty seed node in cluster '" + printable(seeds) + "'");
    ServerAddress server = parse_address(entry);
    if (!seen.insert(server.to_string()).second)
      invalid("seed node " + printable(server.to_string()) + " is listed twice in cluster '" +
              printable(seeds) + "'");
    servers.push_back(std::move(server));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return servers;
}

RedisOptions parse_redis_options(const std::map<std::string, std::string>& backend_args) {
  RedisOptions options;
  const auto url = backend_args.find("url");
  const RedisUrl parsed =
      parse_redis_url(url == backend_args.end() ? std::string(kDefaultUrl) : url->second);
  options.server = parsed.server;
  options.database = parsed.database;
  options.credentials = parsed.credentials;
  if (const auto cluster = backend_args.find("cluster"); cluster != backend_args.end()) {
    options.cluster_seeds = parse_cluster_seeds(cluster->second);
    if (options.database != 0)
      invalid("a Redis Cluster has database 0 only; the url names database " +
              std::to_string(options.database));
  }
  options.connect_timeout =
      backend_args::timeout_ms(kStore, backend_args, "connect_timeout_ms", options.connect_timeout);
  options.io_timeout =
      backend_args::timeout_ms(kStore, backend_args, "io_timeout_ms", options.io_timeout);
  const auto pool = backend_args::integer(kStore, backend_args, "pool_size", 1, kLargestPool);
  options.pool_size = pool ? static_cast<std::size_t>(*pool) : default_pool_size();
  if (const auto size = backend_args::integer(kStore, backend_args, "max_value_size", 1,
                                              static_cast<std::int64_t>(kLargestValueSize)))
    options.max_value_size = static_cast<std::size_t>(*size);
  return options;
}

}  // namespace regionkv::redis
