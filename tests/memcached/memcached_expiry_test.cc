// Region expiry times → memcached expiries (the protocol's 30-day rule).
#include "region/backends/memcached/memcached_expiry.h"

#include <gtest/gtest.h>

namespace regionkv::memcached {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kNow = TimePoint(seconds(1'700'000'000));

TEST(MemcachedExpiry, NoExpiryIsZero) { EXPECT_EQ(to_memcached_expiry(std::nullopt, kNow), 0u); }

TEST(MemcachedExpiry, WholeSecondsAreRelative) {
  EXPECT_EQ(to_memcached_expiry(kNow + seconds(86400), kNow), 86400u);
}

TEST(MemcachedExpiry, PartialSecondsRoundUp) {
  EXPECT_EQ(to_memcached_expiry(kNow + milliseconds(1001), kNow), 2u);
  EXPECT_EQ(to_memcached_expiry(kNow + milliseconds(1), kNow), 1u);
}

TEST(MemcachedExpiry, DueOrPastIsOneSecondNotNever) {
  EXPECT_EQ(to_memcached_expiry(kNow, kNow), 1u);
  EXPECT_EQ(to_memcached_expiry(kNow - seconds(5), kNow), 1u);
}

TEST(MemcachedExpiry, ThirtyDaysIsStillRelative) {
  EXPECT_EQ(to_memcached_expiry(kNow + days(30), kNow), kMemcachedMaxRelativeExpiry);
}

TEST(MemcachedExpiry, OverThirtyDaysIsAbsoluteUnixTime) {
  const TimePoint expires = kNow + days(30) + milliseconds(1500);
  EXPECT_EQ(to_memcached_expiry(expires, kNow), 1'700'000'000u + 30 * 86400 + 2);
}

TEST(MemcachedExpiry, AbsoluteTimesStopIn2038) {
  EXPECT_EQ(to_memcached_expiry(kNow + days(365 * 100), kNow), kLatestAbsoluteExpiry);
}

TEST(MemcachedExpiry, AlreadyExpiredReadsAsAbsoluteTimeInThePast) {
  EXPECT_GT(kAlreadyExpired, kMemcachedMaxRelativeExpiry);
  EXPECT_LT(TimePoint(seconds(kAlreadyExpired)), kNow);
}

}  // namespace
}  // namespace regionkv::memcached
