// The lease record: its bytes, its key, and when it runs out.
#include "lock/lease_record.h"

#include <gtest/gtest.h>

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

TEST(LeaseRecordTest, LiveUntilTheInstantItsLeaseEnds) {
  const LeaseRecord lease{1, kT0, milliseconds(6000)};
  EXPECT_TRUE(lease.live_at(kT0 + milliseconds(5999)));
  EXPECT_FALSE(lease.live_at(kT0 + milliseconds(6000)));
  EXPECT_TRUE((LeaseRecord{1, kT0, milliseconds(0)}.live_at(TimePoint::max())));
}

TEST(LeaseRecordTest, LockRecordKeyIsThePrefixAndTheStoredKey) {
  EXPECT_EQ(lock_record_key("abc"), "_lockabc");
  // The counter's key is "_lock" + "_lock...": the lock record of a stored
  // key no store accepts.
  EXPECT_EQ(kFencingCounterKey.substr(0, 10), "_lock_lock");
}

}  // namespace
}  // namespace regionkv::lock
