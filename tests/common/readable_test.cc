// common::is_readable: a value is readable while live or when its key is a
// no-expiry key; a lease only while live.
//
// Seen failing once: with the lease exemption dropped (`is_live(...) ||
// is_no_expiry_key()`), ExpiredLeaseIsNeverExempt failed.
#include "common/readable.h"

#include <gtest/gtest.h>

#include <chrono>

namespace regionkv::common {
namespace {

const TimePoint kNow = TimePoint(std::chrono::hours(1000));
const ExpiresAt kPast = kNow - std::chrono::milliseconds(1);
const ExpiresAt kFuture = kNow + std::chrono::milliseconds(1);
const ExpiresAt kAtNow = kNow;  // expires at that instant: no longer live

constexpr auto kExempt = [] { return true; };
constexpr auto kNotExempt = [] { return false; };

TEST(ReadableTest, LiveRecordIsReadableWithoutAskingForNoExpiryKeys) {
  int asked = 0;
  const auto count = [&] { return ++asked, false; };
  EXPECT_TRUE(is_readable(kFuture, kNow, /*is_lease=*/false, count));
  EXPECT_TRUE(is_readable(std::nullopt, kNow, /*is_lease=*/false, count));
  EXPECT_TRUE(is_readable(kFuture, kNow, /*is_lease=*/true, count));
  EXPECT_EQ(asked, 0);
}

TEST(ReadableTest, ExpiredValueIsReadableOnlyAtANoExpiryKey) {
  EXPECT_FALSE(is_readable(kPast, kNow, /*is_lease=*/false, kNotExempt));
  EXPECT_FALSE(is_readable(kAtNow, kNow, /*is_lease=*/false, kNotExempt));
  EXPECT_TRUE(is_readable(kPast, kNow, /*is_lease=*/false, kExempt));
}

TEST(ReadableTest, ExpiredLeaseIsNeverExempt) {
  EXPECT_FALSE(is_readable(kPast, kNow, /*is_lease=*/true, kExempt));
  EXPECT_FALSE(is_readable(kAtNow, kNow, /*is_lease=*/true, kNotExempt));
}

}  // namespace
}  // namespace regionkv::common
