// The lock rule, case by case: the one function every store and the region
// ask whether a write under a lock may go ahead.
#include "lock/lock_rule.h"

#include <gtest/gtest.h>

namespace regionkv::lock {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = common::from_unix_ms(1'700'000'000'000);
// lock_timeout 5 s: a lease of 6 s.
const LeaseRecord kHeld{7, kT0, lease_for(milliseconds(5000))};

TEST(LockRuleTest, NoRecordIsALostLock) {
  EXPECT_EQ(judge_locked_write(std::nullopt, 7, kT0), LockVerdict::kLockLost);
}

TEST(LockRuleTest, AnotherTokenIsALostLock) {
  EXPECT_EQ(judge_locked_write(kHeld, 8, kT0), LockVerdict::kLockLost);
  EXPECT_EQ(judge_locked_write(kHeld, 6, kT0), LockVerdict::kLockLost);
}

// now + 1 s <= acquired_at + lock_timeout.
TEST(LockRuleTest, WritesUntilOneSecondBeforeLockTimeout) {
  EXPECT_EQ(judge_locked_write(kHeld, 7, kT0), LockVerdict::kMayWrite);
  EXPECT_EQ(judge_locked_write(kHeld, 7, kT0 + milliseconds(4000)), LockVerdict::kMayWrite);
  EXPECT_EQ(judge_locked_write(kHeld, 7, kT0 + milliseconds(4001)), LockVerdict::kLeaseSpent);
  EXPECT_EQ(judge_locked_write(kHeld, 7, kT0 + milliseconds(6000)), LockVerdict::kLeaseSpent);
}

TEST(LockRuleTest, ALostLockIsReportedBeforeASpentLease) {
  EXPECT_EQ(judge_locked_write(kHeld, 8, kT0 + milliseconds(9000)), LockVerdict::kLockLost);
}

TEST(LockRuleTest, ALeaseThatNeverRunsOutIsNeverSpent) {
  const LeaseRecord forever{7, kT0, lease_for(milliseconds(0))};
  EXPECT_EQ(judge_locked_write(forever, 7, TimePoint::max()), LockVerdict::kMayWrite);
}

TEST(LockRuleTest, LockTimeoutUnderOneSecondNeverAllowsWrites) {
  const LeaseRecord short_lease{7, kT0, lease_for(milliseconds(500))};
  EXPECT_EQ(judge_locked_write(short_lease, 7, kT0), LockVerdict::kLeaseSpent);
}

// Near the clock's end both the lease's end and now + 2 s saturate there, so
// nothing overflows (the UBSan build would say) and the lease reads as never
// ending.
TEST(LockRuleTest, TimeNearTheClocksEndSaturatesInsteadOfOverflowing) {
  const LeaseRecord late{7, TimePoint::max() - milliseconds(500), milliseconds(6000)};
  EXPECT_EQ(judge_locked_write(late, 7, TimePoint::max() - milliseconds(100)),
            LockVerdict::kMayWrite);
}

}  // namespace
}  // namespace regionkv::lock
