// Value expiry as Redis takes it: a time to live in milliseconds.
#include "region/backends/redis/value_expiry.h"

#include <gtest/gtest.h>

namespace regionkv::redis {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

const TimePoint kNow = TimePoint(std::chrono::seconds(1'700'000'000));

TEST(ValueExpiry, NoExpiryIsNoTimeToLive) {
  EXPECT_FALSE(time_to_live(std::nullopt, kNow));
  EXPECT_EQ(ttl_argument(std::nullopt), "");
}

TEST(ValueExpiry, TimeToLiveIsRoundedUpToWholeMilliseconds) {
  EXPECT_EQ(time_to_live(kNow + milliseconds(1500), kNow), milliseconds(1500));
  EXPECT_EQ(time_to_live(kNow + microseconds(1), kNow), milliseconds(1));
  EXPECT_EQ(time_to_live(kNow + microseconds(2001), kNow), milliseconds(3));
}

TEST(ValueExpiry, APastOrPresentExpiryIsExpiredAlready) {
  EXPECT_EQ(time_to_live(kNow, kNow), milliseconds(0));
  EXPECT_EQ(time_to_live(kNow - milliseconds(5), kNow), milliseconds(0));
  EXPECT_EQ(ttl_argument(milliseconds(0)), "0");
  EXPECT_EQ(ttl_argument(milliseconds(-3)), "0");
}

TEST(ValueExpiry, ScriptsTakeMillisecondsInDecimal) {
  EXPECT_EQ(ttl_argument(milliseconds(6000)), "6000");
}

}  // namespace
}  // namespace regionkv::redis
