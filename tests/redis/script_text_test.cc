// Scripts are called by the SHA-1 of their text (script.h), computed here.
#include <gtest/gtest.h>

#include "region/backends/redis/region_scripts.h"
#include "region/backends/redis/sha1.h"

namespace regionkv::redis {
namespace {

TEST(Sha1, KnownAnswers) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(sha1_hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, BlockBoundaries) {
  // 55, 56 and 64 bytes: the padding fits in one block, needs two, or
  // follows a whole block.
  EXPECT_EQ(sha1_hex(std::string(55, 'a')), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  EXPECT_EQ(sha1_hex(std::string(56, 'a')), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  EXPECT_EQ(sha1_hex(std::string(64, 'a')), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

TEST(Script, CallIsAnEvalshaOfItsSha1AndKeyCount) {
  const Script script("test", "return 1");
  const Command call = script.call(2);
  ASSERT_EQ(call.size(), 3u);
  EXPECT_EQ(call[0], "EVALSHA");
  EXPECT_EQ(call[1], sha1_hex("return 1"));
  EXPECT_EQ(call[2], "2");
  EXPECT_EQ(call.name(), "test script");
}

TEST(Script, RegionScriptsHaveDistinctNames) {
  const RegionScripts& scripts = region_scripts();
  std::set<std::string> shas = {scripts.acquire.sha1(), scripts.release.sha1(),
                                scripts.set_locked.sha1(), scripts.erase_locked.sha1(),
                                scripts.set_multi.sha1()};
  EXPECT_EQ(shas.size(), 5u);
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
