// Scripts are called by the SHA-1 a server gives for their text (script.h),
// and by their text until then.
#include <gtest/gtest.h>

#include "region/backends/redis/command.h"
#include "region/backends/redis/script.h"

namespace regionkv::redis {
namespace {

// A script's first call cannot name it by SHA-1 (nothing here computes
// one): it carries the text. Shown failing once by making call() always
// build an EVALSHA of an empty SHA-1.
TEST(Script, BeforeItsSha1IsKnownACallIsAnEvalOfItsText) {
  const Script script("test", "return 1");
  EXPECT_FALSE(script.sha1().has_value());
  const Command call = script.call(2);
  ASSERT_EQ(call.size(), 3u);
  EXPECT_EQ(call[0], "EVAL");
  EXPECT_EQ(call[1], "return 1");
  EXPECT_EQ(call[2], "2");
  EXPECT_EQ(call.name(), "test script");
}

TEST(Script, OnceItsSha1IsLearntACallIsAnEvalshaOfIt) {
  const Script script("test", "return 1");
  script.learn_sha1("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  const Command call = script.call(1);
  ASSERT_EQ(call.size(), 3u);
  EXPECT_EQ(call[0], "EVALSHA");
  EXPECT_EQ(call[1], "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(call[2], "1");
}

TEST(Script, TheFirstSha1LearntStays) {
  const Script script("test", "return 1");
  script.learn_sha1("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  script.learn_sha1("0000000000000000000000000000000000000000");
  EXPECT_EQ(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST(Command, ArgumentsAreBinarySafe) {
  Command command("SET");
  command.arg(std::string("k\0ey", 4)).arg("").arg(std::int64_t{-42});
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  command.to_argv(argv, lengths);
  ASSERT_EQ(argv.size(), 4u);
  EXPECT_EQ(std::string(argv[1], lengths[1]), std::string("k\0ey", 4));
  EXPECT_EQ(lengths[2], 0u);
  EXPECT_EQ(std::string(argv[3], lengths[3]), "-42");
}

}  // namespace
}  // namespace regionkv::redis
