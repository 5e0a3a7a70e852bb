// Reading the libmemcached driver's backend_args.
#include "region/backends/memcached/libmemcached_options.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace regionkv::memcached {
namespace {

std::vector<std::string> addresses(const std::vector<ServerAddress>& servers) {
  std::vector<std::string> out;
  out.reserve(servers.size());
  for (const auto& server : servers) out.push_back(server.to_string());
  return out;
}

TEST(LibmemcachedOptions, DefaultsToLocalServerAndOneSecondTimeouts) {
  const LibmemcachedOptions options = parse_libmemcached_options({});
  EXPECT_EQ(addresses(options.servers), std::vector<std::string>{"127.0.0.1:11211"});
  EXPECT_EQ(options.connect_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(options.io_timeout, std::chrono::milliseconds(1000));
  EXPECT_FALSE(options.binary_protocol);
}

TEST(LibmemcachedOptions, UrlIsACommaSeparatedServerList) {
  EXPECT_EQ(addresses(parse_server_list("10.0.0.1:11211, 10.0.0.2:11212,cache")),
            (std::vector<std::string>{"10.0.0.1:11211", "10.0.0.2:11212", "cache:11211"}));
}

TEST(LibmemcachedOptions, Ipv6HostsGoInBrackets) {
  EXPECT_EQ(addresses(parse_server_list("[::1]:11300,[fe80::1]")),
            (std::vector<std::string>{"[::1]:11300", "[fe80::1]:11211"}));
}

TEST(LibmemcachedOptions, MalformedUrlsAreInvalidArguments) {
  for (const std::string url :
       {"", "a:1,,b:2", "a:0", "a:65536", "a:port", "a:", ":11211", "[::1", "a:1,a:1"}) {
    EXPECT_THROW(parse_server_list(url), std::invalid_argument) << url;
  }
}

// A mistaken url may be megabytes long: messages echo at most kEchoedBytes
// of it, with its length.
TEST(LibmemcachedOptions, AHugeUrlIsCutInTheMessagesThatEchoIt) {
  const std::string server(1 << 20, 'h');
  try {
    parse_server_list(server + ":1," + server + ":1");
    FAIL() << "a server listed twice was taken";
  } catch (const std::invalid_argument& error) {
    EXPECT_LT(std::string(error.what()).size(), 600u);
    EXPECT_NE(std::string(error.what()).find("(2097157 bytes)"), std::string::npos)
        << error.what();
  }
}

TEST(LibmemcachedOptions, ReadsTimeoutsAndProtocolAndIgnoresOtherArguments) {
  const LibmemcachedOptions options = parse_libmemcached_options({{"connect_timeout_ms", "250"},
                                                                  {"io_timeout_ms", "75"},
                                                                  {"protocol", "binary"},
                                                                  {"some_other_arg", "x"}});
  EXPECT_EQ(options.connect_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(options.io_timeout, std::chrono::milliseconds(75));
  EXPECT_TRUE(options.binary_protocol);
}

TEST(LibmemcachedOptions, BadTimeoutsAndProtocolsAreInvalidArguments) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"io_timeout_ms", "0"},
                                                        {"io_timeout_ms", "-5"},
                                                        {"io_timeout_ms", "1s"},
                                                        {"connect_timeout_ms", "99999999999"},
                                                        {"protocol", "meta"}}) {
    EXPECT_THROW(parse_libmemcached_options({{name, value}}), std::invalid_argument)
        << name << "=" << value;
  }
}

}  // namespace
}  // namespace regionkv::memcached
