// Reading the redis store's backend_args.
#include "region/backends/redis/redis_options.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace regionkv::redis {
namespace {

using std::chrono::milliseconds;

TEST(RedisOptions, DefaultsToLocalServerDatabaseZeroAndOneSecondTimeouts) {
  const RedisOptions options = parse_redis_options({});
  EXPECT_EQ(options.server.to_string(), "127.0.0.1:6379");
  EXPECT_EQ(options.database, 0);
  EXPECT_TRUE(options.credentials.password.empty());
  EXPECT_FALSE(options.cluster_mode());
  EXPECT_EQ(options.connect_timeout, milliseconds(1000));
  EXPECT_EQ(options.io_timeout, milliseconds(1000));
  EXPECT_EQ(options.pool_size, default_pool_size());
  EXPECT_EQ(options.max_value_size, std::size_t{64} << 20);
}

TEST(RedisOptions, DefaultPoolHasAtLeastFourConnections) { EXPECT_GE(default_pool_size(), 4u); }

TEST(RedisOptions, UrlGivesHostPortAndDatabase) {
  const RedisUrl url = parse_redis_url("redis://cache.example:6380/3");
  EXPECT_EQ(url.server.to_string(), "cache.example:6380");
  EXPECT_EQ(url.database, 3);
}

TEST(RedisOptions, UrlPortAndDatabaseAreOptional) {
  EXPECT_EQ(parse_redis_url("redis://cache").server.to_string(), "cache:6379");
  EXPECT_EQ(parse_redis_url("redis://cache/").database, 0);
}

TEST(RedisOptions, UrlWithUserAndPasswordIsAnAclLogin) {
  const RedisUrl url = parse_redis_url("redis://alice:s3cret@127.0.0.1:6379/0");
  EXPECT_EQ(url.credentials.user, "alice");
  EXPECT_EQ(url.credentials.password, "s3cret");
}

TEST(RedisOptions, UrlWithPasswordOnlyLogsInAsTheDefaultUser) {
  const RedisUrl url = parse_redis_url("redis://:s3cret@127.0.0.1");
  EXPECT_EQ(url.credentials.user, "");
  EXPECT_EQ(url.credentials.password, "s3cret");
}

TEST(RedisOptions, UrlCredentialsArePercentDecodedAndMayHoldAtSigns) {
  const RedisUrl url = parse_redis_url("redis://a%3Ab:p@ss%2Fw%40rd@host");
  EXPECT_EQ(url.credentials.user, "a:b");
  EXPECT_EQ(url.credentials.password, "p@ss/w@rd");
  EXPECT_EQ(url.server.host, "host");
}

TEST(RedisOptions, UrlIpv6HostGoesInBrackets) {
  EXPECT_EQ(parse_redis_url("redis://[::1]:7000/1").server.to_string(), "[::1]:7000");
  EXPECT_EQ(parse_redis_url("redis://[::1]").server.to_string(), "[::1]:6379");
}

TEST(RedisOptions, MalformedUrlsAreInvalidArguments) {
  for (const std::string url :
       {"", "127.0.0.1:6379", "http://host", "rediss://host", "unix:///tmp/redis.sock", "redis://",
        "redis://:6379", "redis://host:0", "redis://host:65536", "redis://host:port",
        "redis://host:", "redis://host/-1", "redis://host/db", "redis://host?timeout=1",
        "redis://user@host", "redis://user:@host", "redis://:bad%zz@host", "redis://[::1"}) {
    EXPECT_THROW(parse_redis_url(url), std::invalid_argument) << url;
  }
}

TEST(RedisOptions, TlsUrlSaysTlsIsUnsupported) {
  try {
    parse_redis_url("rediss://host");
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("TLS"), std::string::npos) << error.what();
  }
}

// Messages end up in logs: those that echo a url hide its password. Fails
// with echoed_url() returning printable(url) (seen once).
TEST(RedisOptions, MessagesThatEchoAUrlHideItsPassword) {
  for (const std::string url : {"rediss://app:s3cr%40et@host", "http://app:s3cr@et@host",
                                "redis://:s3cr@et@host?timeout=1", "s3cr@et@redis.example"}) {
    try {
      parse_redis_url(url);
      FAIL() << url << " was taken";
    } catch (const std::invalid_argument& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find("s3cr"), std::string::npos) << message;
      EXPECT_NE(message.find("***@"), std::string::npos) << message;
    }
  }
}

TEST(RedisOptions, ClusterIsACommaSeparatedSeedList) {
  const RedisOptions options =
      parse_redis_options({{"cluster", "10.0.0.1:7000, 10.0.0.2:7001,node3"}});
  ASSERT_TRUE(options.cluster_mode());
  std::vector<std::string> seeds;
  for (const auto& seed : options.cluster_seeds) seeds.push_back(seed.to_string());
  EXPECT_EQ(seeds, (std::vector<std::string>{"10.0.0.1:7000", "10.0.0.2:7001", "node3:6379"}));
}

TEST(RedisOptions, ClusterTakesItsCredentialsFromTheUrl) {
  const RedisOptions options =
      parse_redis_options({{"cluster", "10.0.0.1:7000"}, {"url", "redis://:pw@ignored:1"}});
  EXPECT_EQ(options.credentials.password, "pw");
}

TEST(RedisOptions, MalformedClusterSeedsAreInvalidArguments) {
  for (const std::string seeds : {"", "a:1,,b:2", "a:0", "a:1,a:1", ":7000", "a:x"}) {
    EXPECT_THROW(parse_redis_options({{"cluster", seeds}}), std::invalid_argument) << seeds;
  }
}

TEST(RedisOptions, ClusterWithADatabaseOtherThanZeroIsAnInvalidArgument) {
  EXPECT_THROW(parse_redis_options({{"cluster", "a:7000"}, {"url", "redis://a:7000/2"}}),
               std::invalid_argument);
}

TEST(RedisOptions, ReadsTimeoutsPoolAndValueSizeAndIgnoresOtherArguments) {
  const RedisOptions options = parse_redis_options({{"connect_timeout_ms", "250"},
                                                    {"io_timeout_ms", " 75 "},
                                                    {"pool_size", "32"},
                                                    {"max_value_size", "1048576"},
                                                    {"memcached_backend", "x"}});
  EXPECT_EQ(options.connect_timeout, milliseconds(250));
  EXPECT_EQ(options.io_timeout, milliseconds(75));
  EXPECT_EQ(options.pool_size, 32u);
  EXPECT_EQ(options.max_value_size, 1048576u);
}

TEST(RedisOptions, BadTimeoutsPoolAndValueSizesAreInvalidArguments) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"io_timeout_ms", "0"},
                                                        {"io_timeout_ms", "-5"},
                                                        {"io_timeout_ms", "1s"},
                                                        {"connect_timeout_ms", "99999999999"},
                                                        {"pool_size", "0"},
                                                        {"pool_size", "many"},
                                                        {"max_value_size", "0"},
                                                        {"max_value_size", "536870913"}}) {
    EXPECT_THROW(parse_redis_options({{name, value}}), std::invalid_argument)
        << name << "=" << value;
  }
}

TEST(RedisOptions, ErrorsNameTheArgument) {
  try {
    parse_redis_options({{"pool_size", "0"}});
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("pool_size"), std::string::npos) << error.what();
  }
}

// A mistaken url may be a megabyte long: messages echo at most
// kEchoedBytes of it, with its length, also where they name the server.
TEST(RedisOptions, AMegabyteUrlIsCutInTheMessagesThatEchoIt) {
  const std::string huge_host(1 << 20, 'h');
  try {
    parse_redis_options({{"url", "redis://" + huge_host + "?timeout=1"}});
    FAIL() << "a url with query options was taken";
  } catch (const std::invalid_argument& error) {
    EXPECT_LT(std::string(error.what()).size(), 400u);
    EXPECT_NE(std::string(error.what()).find("(1048594 bytes)"), std::string::npos) << error.what();
  }
  const std::string named = describe_server(parse_redis_url("redis://" + huge_host).server);
  EXPECT_LT(named.size(), 400u);
  EXPECT_EQ(named.rfind("redis server hhh", 0), 0u) << named;
  EXPECT_NE(named.find("(1048581 bytes)"), std::string::npos) << named;
}

}  // namespace
}  // namespace regionkv::redis
