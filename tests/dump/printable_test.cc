// engine/printable: how the dump renders bytes — previews for people, base64
// for JSON, and the UTF-8 checks that choose between them.
#include "regionkv/printable.h"

#include <gtest/gtest.h>

namespace regionkv::engine {
namespace {

TEST(PreviewTest, PrintableTextIsShownAsIs) {
  EXPECT_EQ(preview(R"({"user": "alice"})", 60), R"({"user": "alice"})");
  EXPECT_EQ(preview("caf\xc3\xa9 \\ 'q'", 60), "caf\xc3\xa9 \\ 'q'");
  EXPECT_EQ(preview("", 60), "");
}

TEST(PreviewTest, NewlinesAndTabsAreEscapedToKeepOneLine) {
  EXPECT_EQ(preview("a\nb\tc", 60), "a\\nb\\tc");
}

TEST(PreviewTest, LongTextIsCutWithItsFullLength) {
  EXPECT_EQ(preview("abcdefghij", 4), "abcd... (10 bytes)");
  EXPECT_EQ(preview("abcd", 4), "abcd");
}

TEST(PreviewTest, CutNeverSplitsACharacter) {
  // "é" is two bytes; a cut after 2 bytes keeps "a" and drops the half.
  EXPECT_EQ(preview("a\xc3\xa9zz", 2), "a... (5 bytes)");
}

TEST(PreviewTest, BinaryIsEscaped) {
  EXPECT_EQ(preview(std::string("\0\xff"
                                "a",
                                3),
                    60),
            "\\x00\\xffa");
}

TEST(PreviewTest, LongBinaryIsCutWithItsFullLength) {
  EXPECT_EQ(preview(std::string(100, '\x01'), 2), "\\x01\\x01... (100 bytes)");
}

TEST(PrintableTest, EscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(printable(std::string("a'b\\c\n\x01", 7)), "a\\'b\\\\c\\n\\x01");
}

// What messages echo of a key, a URL or a server's answer: never more than
// kEchoedBytes of it, with its full length.
TEST(PrintableTest, LongInputIsCutWithItsFullLength) {
  EXPECT_EQ(printable("abcdefghij", 4), "abcd... (10 bytes)");
  EXPECT_EQ(printable("abcd", 4), "abcd");
  const std::string megabyte(1 << 20, 'x');
  EXPECT_EQ(printable(megabyte), std::string(kEchoedBytes, 'x') + "... (1048576 bytes)");
}

TEST(Base64Test, EncodesRfc4648TestVectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, EncodesEveryByteValue) {
  EXPECT_EQ(base64(std::string("\0\xff\xfe\x80", 4)), "AP/+gA==");
}

TEST(Utf8Test, ValidAllowsControlCharactersPrintableDoesNot) {
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b\x01", 4)));
  EXPECT_FALSE(is_printable_utf8(std::string("a\0b\x01", 4)));
  EXPECT_TRUE(is_printable_utf8("tab\tand\nnewline"));
}

TEST(Utf8Test, MalformedSequencesAreInvalid) {
  for (const std::string bad :
       {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x28\xa1"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << printable(bad);
    EXPECT_FALSE(is_printable_utf8(bad)) << printable(bad);
  }
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x94\x92 \xe2\x82\xac"));
}

}  // namespace
}  // namespace regionkv::engine
