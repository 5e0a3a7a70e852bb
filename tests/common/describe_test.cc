// common/describe.h: how messages name a region and a key.
//
// Seen failing once: with describe_region returning "region '" + name (the
// closing quote dropped), both tests failed.
#include "common/describe.h"

#include <gtest/gtest.h>

namespace regionkv::common {
namespace {

TEST(DescribeTest, RegionIsNamedInQuotesAsGiven) {
  EXPECT_EQ(describe_region("tokens"), "region 'tokens'");
  EXPECT_EQ(describe_region(""), "region ''");
}

TEST(DescribeTest, KeyFollowsItsRegionMadePrintable) {
  EXPECT_EQ(describe_key("tokens", std::string("a\0b", 3)), "region 'tokens', key 'a\\x00b'");
}

}  // namespace
}  // namespace regionkv::common
