// region/backends/backend_args.h: the one reader of backend_args, shared by
// the memcached and Redis stores. Every bad value is std::invalid_argument
// naming the store, the argument and the value given.
//
// Seen failing once: with whole_number() accepting trailing bytes (the
// `end != ...` check dropped), BadNumbersAreRefusedNamingTheArgument ("12ms",
// "1.5", "5 0"), BadTimeoutsAreRefusedNamingTheArgument ("1s") and
// TheValueIsEchoedPrintable failed.
#include "region/backends/backend_args.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/support/message_of.h"

namespace regionkv::backend_args {
namespace {

using std::chrono::milliseconds;
using testing::message_of;

// The message timeout_ms() throws for `value`, which must be refused.
std::string refused_timeout(const std::string& value) {
  const Args args{{"io_timeout_ms", value}};
  EXPECT_THROW(timeout_ms("redis", args, "io_timeout_ms", milliseconds(5)), std::invalid_argument)
      << "'" << value << "'";
  return message_of([&] { timeout_ms("redis", args, "io_timeout_ms", milliseconds(5)); });
}

TEST(BackendArgsTest, TrimDropsBlanksAndTabsAtEitherEndOnly) {
  EXPECT_EQ(trim(" \t12 3\t "), "12 3");
  EXPECT_EQ(trim("  "), "");
  EXPECT_EQ(trim(""), "");
}

TEST(BackendArgsTest, WholeNumbersWithinTheirRangeAreRead) {
  EXPECT_EQ(whole_number("memcached", "port", "1", 1, 65535), 1);
  EXPECT_EQ(whole_number("memcached", "port", "65535", 1, 65535), 65535);
  EXPECT_EQ(whole_number("redis", "database", "-0", -3, 3), 0);
  EXPECT_EQ(integer("redis", {{"pool_size", " 8\t"}}, "pool_size", 1, 4096), 8);
  EXPECT_EQ(integer("redis", {}, "pool_size", 1, 4096), std::nullopt);
}

TEST(BackendArgsTest, BadNumbersAreRefusedNamingTheArgument) {
  for (const std::string bad :
       {"", "x", "12ms", "1.5", "5 0", "+5", "0x10", "0", "4097", "-1", "99999999999999999999"}) {
    const std::string message = message_of([&] {
      integer("redis", {{"pool_size", bad}}, "pool_size", 1, 4096);
    });
    EXPECT_EQ(message, "redis: pool_size '" + bad + "' is not a whole number from 1 to 4096");
  }
}

TEST(BackendArgsTest, TimeoutsAreMillisecondsFromOneToAnHour) {
  const Args args{{"connect_timeout_ms", " 250 "}, {"io_timeout_ms", "3600000"}};
  EXPECT_EQ(timeout_ms("redis", args, "connect_timeout_ms", milliseconds(5)), milliseconds(250));
  EXPECT_EQ(timeout_ms("redis", args, "io_timeout_ms", milliseconds(5)), milliseconds(3600000));
  EXPECT_EQ(timeout_ms("redis", args, "absent_ms", milliseconds(5)), milliseconds(5));
}

TEST(BackendArgsTest, BadTimeoutsAreRefusedNamingTheArgument) {
  for (const std::string bad : {"", "  ", "0", "-5", "3600001", "1s", "fast"})
    EXPECT_EQ(refused_timeout(bad), "redis: io_timeout_ms '" + std::string(trim(bad)) +
                                        "' is not a whole number from 1 to 3600000");
}

TEST(BackendArgsTest, TheValueIsEchoedPrintable) {
  EXPECT_EQ(refused_timeout(std::string("1\0", 2)),
            "redis: io_timeout_ms '1\\x00' is not a whole number from 1 to 3600000");
}

}  // namespace
}  // namespace regionkv::backend_args
