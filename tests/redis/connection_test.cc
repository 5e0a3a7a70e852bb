// Connections to a real redis-server: logging in, choosing the database, and
// failing within the timeouts with an error that names the server.
#include "region/backends/redis/connection.h"

#include <gtest/gtest.h>

#include <optional>

#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using redis::Command;
using redis::Connection;
using redis::connection_settings;
using redis::reply_text;
using std::chrono::milliseconds;

redis::ServerAddress address_of(const RedisServer& server) { return {"127.0.0.1", server.port()}; }

std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const StorageError& error) {
    return error.what();
  }
  return "(no StorageError)";
}

// A call's deadline, as options_for() sets io_timeout: 300 ms from now.
common::Deadline a_call() { return common::Deadline(milliseconds(300)); }

milliseconds time_of(const std::function<void()>& call) {
  const auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
}

class RedisConnection : public ::testing::Test {
 protected:
  void SetUp() override { REGIONKV_REQUIRE_REDIS(); }

  // Opens a connection as a call does, with the call's deadline.
  Connection connect(const redis::ServerAddress& address,
                     const redis::ConnectionSettings& settings) {
    common::Deadline deadline(settings.io_timeout);
    return Connection(address, settings, calls_, deadline);
  }

  redis::ServerCalls calls_{"the server"};
};

TEST_F(RedisConnection, RunsCommandsWithBinaryKeysAndValues) {
  RedisServer server;
  Connection connection = connect(address_of(server), connection_settings(options_for(server)));
  const std::string key("k\0\r\n y", 6);
  const std::string value("v\0\xff\r\n", 5);
  connection.run(Command("SET").arg(key).arg(value), a_call());
  const auto reply = connection.run(Command("GET").arg(key), a_call());
  EXPECT_EQ(reply_text(*reply), value);
}

TEST_F(RedisConnection, PipelinedCommandsAnswerInOrder) {
  RedisServer server;
  Connection connection = connect(address_of(server), connection_settings(options_for(server)));
  const Command incr = std::move(Command("INCR").arg("n"));
  const std::vector<const Command*> three = {&incr, &incr, &incr};
  const auto replies = connection.exchange(three, a_call());
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0]->integer, 1);
  EXPECT_EQ(replies[2]->integer, 3);
}

TEST_F(RedisConnection, LogsInWithThePassword) {
  RedisServer server({.password = "s3cret"});
  Connection connection = connect(address_of(server), connection_settings(options_for(server)));
  EXPECT_EQ(reply_text(*connection.run(Command("PING"), a_call())), "PONG");
}

TEST_F(RedisConnection, AWrongPasswordIsAStorageErrorNamingTheServer) {
  RedisServer server({.password = "s3cret"});
  auto settings = connection_settings(options_for(server));
  settings.credentials.password = "wrong";
  const std::string message =
      message_of([&] { Connection connection = connect(address_of(server), settings); });
  EXPECT_TRUE(mentions(message, server.address())) << message;
  EXPECT_TRUE(mentions(message, "AUTH failed")) << message;
  EXPECT_TRUE(mentions(message, "WRONGPASS")) << message;
}

TEST_F(RedisConnection, NoPasswordForAServerRequiringOneFailsTheFirstCommand) {
  RedisServer server({.password = "s3cret"});
  auto settings = connection_settings(options_for(server));
  settings.credentials = {};
  Connection connection = connect(address_of(server), settings);
  const auto reply = connection.run(Command("GET").arg("k"), a_call());
  EXPECT_TRUE(redis::is_error_code(*reply, "NOAUTH")) << reply_text(*reply);
}

TEST_F(RedisConnection, LogsInAsAnAclUser) {
  RedisServer server;
  server.command({"ACL", "SETUSER", "alice", "on", ">alicepw", "~*", "+@all"});
  auto settings = connection_settings(options_for(server));
  settings.credentials = {"alice", "alicepw"};
  Connection connection = connect(address_of(server), settings);
  EXPECT_EQ(reply_text(*connection.run(Command("ACL").arg("WHOAMI"), a_call())), "alice");

  settings.credentials.password = "not-alices";
  EXPECT_TRUE(
      mentions(message_of([&] { Connection refused = connect(address_of(server), settings); }),
               "AUTH failed"));
}

TEST_F(RedisConnection, SelectsTheUrlsDatabase) {
  RedisServer server;
  Connection connection = connect(address_of(server), connection_settings(options_for(server, 5)));
  connection.run(Command("SET").arg("in-five").arg("v"), a_call());
  EXPECT_EQ(server.command({"EXISTS", "in-five"}), "0");
  EXPECT_EQ(server.command({"SELECT", "5"}), "OK");
  Connection other = connect(address_of(server), connection_settings(options_for(server, 5)));
  EXPECT_EQ(reply_text(*other.run(Command("GET").arg("in-five"), a_call())), "v");
}

TEST_F(RedisConnection, ADatabaseTheServerLacksIsAStorageError) {
  RedisServer server;
  const std::string message = message_of([&] {
    Connection connection =
        connect(address_of(server), connection_settings(options_for(server, 99)));
  });
  EXPECT_TRUE(mentions(message, "SELECT failed")) << message;
}

TEST_F(RedisConnection, AServerThatIsDownFailsAtOnceNamingIt) {
  std::optional<RedisServer> server(std::in_place);
  const auto settings = connection_settings(options_for(*server));
  const auto address = address_of(*server);
  server.reset();
  std::string message;
  EXPECT_LT(
      time_of([&] { message = message_of([&] { Connection c = connect(address, settings); }); }),
      milliseconds(250));
  EXPECT_TRUE(mentions(message, address.to_string())) << message;
  EXPECT_TRUE(mentions(message, "connect failed")) << message;
}

TEST_F(RedisConnection, AHungServerFailsWithinTheIoTimeoutNamingIt) {
  RedisServer server;
  const auto settings = connection_settings(options_for(server));  // io_timeout 300 ms
  Connection connection = connect(address_of(server), settings);
  server.pause();
  std::string message;
  const milliseconds took =
      time_of([&] { message = message_of([&] { connection.run(Command("PING"), a_call()); }); });
  server.resume();
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(1000));
  EXPECT_TRUE(mentions(message, server.address())) << message;
  EXPECT_TRUE(mentions(message, "no answer within 300 ms")) << message;
  EXPECT_TRUE(connection.broken());
}

// ServerStats' figures: connecting is a round trip, and so is each exchange,
// however many commands it pipelines.
TEST_F(RedisConnection, CountsRoundTripsErrorsAndTimeouts) {
  RedisServer server;
  Connection connection = connect(address_of(server), connection_settings(options_for(server)));
  EXPECT_EQ(calls_.snapshot().round_trips, 1u);
  const Command ping("PING");
  const std::vector<const Command*> two = {&ping, &ping};
  connection.exchange(two, a_call());
  connection.run(ping, a_call());
  EXPECT_EQ(calls_.snapshot().round_trips, 3u);
  EXPECT_EQ(calls_.snapshot().errors, 0u);

  server.pause();
  EXPECT_THROW(connection.run(ping, a_call()), redis::ServerTimeout);
  server.resume();
  const ServerStats after = calls_.snapshot();
  EXPECT_EQ(after.server, "the server");
  EXPECT_EQ(after.round_trips, 4u);
  EXPECT_EQ(after.errors, 1u);
  EXPECT_EQ(after.timeouts, 1u);
}

TEST_F(RedisConnection, ARefusedConnectIsAnErrorButNoTimeout) {
  std::optional<RedisServer> server(std::in_place);
  const auto settings = connection_settings(options_for(*server));
  const auto address = address_of(*server);
  server.reset();
  EXPECT_THROW(connect(address, settings), StorageError);
  const ServerStats counted = calls_.snapshot();
  EXPECT_EQ(counted.round_trips, 1u);
  EXPECT_EQ(counted.errors, 1u);
  EXPECT_EQ(counted.timeouts, 0u);
}

TEST_F(RedisConnection, ConnectingToAHungServerFailsWithinTheIoTimeout) {
  RedisServer server({.password = "pw"});  // so connecting waits for AUTH's answer
  const auto settings = connection_settings(options_for(server));
  server.pause();
  std::string message;
  const milliseconds took = time_of([&] {
    message = message_of([&] { Connection connection = connect(address_of(server), settings); });
  });
  server.resume();
  EXPECT_LT(took, milliseconds(1000));
  EXPECT_TRUE(mentions(message, server.address())) << message;
}

TEST_F(RedisConnection, AnIdleConnectionKnowsWhenTheServerClosedIt) {
  RedisServer server;
  Connection connection = connect(address_of(server), connection_settings(options_for(server)));
  EXPECT_FALSE(connection.closed_by_server());
  server.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  EXPECT_TRUE(eventually([&] { return connection.closed_by_server(); }));
}

}  // namespace
}  // namespace regionkv::testing
