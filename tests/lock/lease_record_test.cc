// The lease record: its bytes, when it runs out, and the time rule.
#include "lock/lease_record.h"

#include <gtest/gtest.h>

#include "engine/record.h"
#include "regionkv/errors.h"

namespace regionkv::lock {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = common::from_unix_ms(1'700'000'000'000);

TEST(LeaseRecordTest, RoundTripsThroughItsBytes) {
  const LeaseRecord lease{42, kT0, milliseconds(6000)};
  const std::string bytes = encode_lease(lease);
  ASSERT_EQ(bytes.size(), kLeaseRecordSize);
  const LeaseRecord back = decode_lease(bytes);
  EXPECT_EQ(back.fencing_token, 42u);
  EXPECT_EQ(back.acquired_at, kT0);
  EXPECT_EQ(back.lease, milliseconds(6000));
}

TEST(LeaseRecordTest, WrongSizeIsCorruption) {
  EXPECT_THROW(decode_lease(std::string(23, '\0')), Corruption);
  EXPECT_THROW(decode_lease(std::string(25, '\0')), Corruption);
}

TEST(LeaseRecordTest, LeaseIsLockTimeoutPlusOneSecondOrNever) {
  EXPECT_EQ(lease_for(milliseconds(5000)), milliseconds(6000));
  EXPECT_EQ(lease_for(milliseconds(0)), milliseconds(0));
}

TEST(LeaseRecordTest, RunsOutAtAcquiredAtPlusLease) {
  const LeaseRecord lease{1, kT0, milliseconds(6000)};
  EXPECT_FALSE(lease.expired_at(kT0 + milliseconds(5999)));
  EXPECT_TRUE(lease.expired_at(kT0 + milliseconds(6000)));
  EXPECT_FALSE((LeaseRecord{1, kT0, milliseconds(0)}.expired_at(TimePoint::max())));
}

// now + 1 s <= acquired_at + lock_timeout, with lock_timeout = lease - 1 s.
TEST(LeaseRecordTest, AllowsWritesUntilOneSecondBeforeLockTimeout) {
  const LeaseRecord lease{1, kT0, lease_for(milliseconds(5000))};
  EXPECT_TRUE(lease.allows_write_at(kT0 + milliseconds(4000)));
  EXPECT_FALSE(lease.allows_write_at(kT0 + milliseconds(4001)));
  EXPECT_TRUE((LeaseRecord{1, kT0, milliseconds(0)}.allows_write_at(TimePoint::max())));
}

TEST(LeaseRecordTest, LockTimeoutUnderOneSecondNeverAllowsWrites) {
  const LeaseRecord lease{1, kT0, lease_for(milliseconds(500))};
  EXPECT_FALSE(lease.allows_write_at(kT0));
}

}  // namespace
}  // namespace regionkv::lock
