// The lock steps on one server (standalone mode): each script's rule.
// The caller's clock is a fixed time here, as a region's manual clock would
// be; the server's clock runs leases out, so leases that must run out in a
// test are a few milliseconds long.
#include "region/backends/redis/lock_steps.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/unix_ms.h"
#include "lock/lease_record.h"
#include "lock/lock_rule.h"
#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"
#include "tests/redis/live_region.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

const TimePoint kNow = common::from_unix_ms(1'700'000'000'000);
constexpr milliseconds kLease{6000};  // lock_timeout 5 s + 1 s

class StandaloneLocks : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
    region_.emplace(options_for(*server_), "tokens");
  }

  LiveLockSteps& locks() { return region_->locks; }
  redis::RegionValues& values() { return region_->values; }
  std::string redis_key(const std::string& key) { return region_->layout.redis_key(key); }

  // Takes the lock of `key`, which must be free.
  LockGrant take(const std::string& key, milliseconds lease = kLease, TimePoint now = kNow) {
    const auto acquisition = locks().acquire("_lock" + key, now, lease);
    if (!acquisition.grant) throw std::logic_error("lock of " + key + " is held");
    return *acquisition.grant;
  }
  // Takes the lock of `key` once its holder's (short) lease has run out on
  // the server.
  LockGrant take_over(const std::string& key) {
    std::optional<LockGrant> grant;
    const bool granted = eventually(
        [&] { return (grant = locks().acquire("_lock" + key, kNow, kLease).grant).has_value(); },
        std::chrono::seconds(2));
    if (!granted) throw std::logic_error("lock of " + key + " was never taken over");
    return *grant;
  }
  // The lock record of `key` as redis-cli shows it (HGETALL): the token,
  // then its terms, one per line.
  std::string record(const std::string& key) {
    return server_->command({"HGETALL", redis_key("_lock" + key)});
  }
  static std::string record_of(const LockGrant& grant, milliseconds lease = kLease) {
    return std::to_string(grant.fencing_token) + "\n" +
           std::to_string(common::to_unix_ms(grant.acquired_at)) + " " +
           std::to_string(lease.count());
  }

  std::optional<RedisServer> server_;
  std::optional<LiveRegion> region_;
};

TEST_F(StandaloneLocks, AGrantWritesAReadableRecordExpiringWithTheLease) {
  const LockGrant grant = take("k");
  EXPECT_EQ(grant.acquired_at, kNow);
  EXPECT_EQ(record("k"), std::to_string(grant.fencing_token) + "\n1700000000000 6000");
  const long long left = std::stoll(server_->command({"PTTL", redis_key("_lockk")}));
  EXPECT_GT(left, 5000);
  EXPECT_LE(left, 6000);
}

TEST_F(StandaloneLocks, AcquiredAtIsTheCallersTimeInWholeMilliseconds) {
  const LockGrant grant = take("k", kLease, kNow + microseconds(1999));
  EXPECT_EQ(grant.acquired_at, kNow + milliseconds(1));
}

TEST_F(StandaloneLocks, AHeldLockIsRefusedWithWhenItsLeaseRunsOut) {
  take("k");
  const TimePoint later = kNow + milliseconds(100);
  const auto refused = locks().acquire("_lockk", later, kLease);
  EXPECT_FALSE(refused.grant);
  ASSERT_TRUE(refused.holder_lease_ends);
  // The record's time left on the server, from the caller's now.
  EXPECT_GT(*refused.holder_lease_ends, later + milliseconds(5000));
  EXPECT_LE(*refused.holder_lease_ends, later + kLease);
}

TEST_F(StandaloneLocks, ARefusedAttemptTakesNoToken) {
  const auto first = take("k");
  EXPECT_FALSE(locks().acquire("_lockk", kNow, kLease).grant);
  EXPECT_FALSE(locks().acquire("_lockk", kNow, kLease).grant);
  EXPECT_EQ(server_->command({"GET", "rkv:tokens:fencing"}), std::to_string(first.fencing_token));
  EXPECT_EQ(take("other").fencing_token, first.fencing_token + 1);
}

TEST_F(StandaloneLocks, TokensIncreaseAcrossTheRegionsKeys) {
  std::uint64_t previous = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string key = "key-" + std::to_string(i % 4);
    const auto grant = take(key);
    EXPECT_GT(grant.fencing_token, previous);
    previous = grant.fencing_token;
    EXPECT_EQ(locks().release("_lock" + key, grant.fencing_token), ReleaseResult::kReleased);
  }
}

TEST_F(StandaloneLocks, ALeaseRunsOutByTheServersClockAndIsTakenOver) {
  const auto first = take("k", milliseconds(20));
  EXPECT_GT(take_over("k").fencing_token, first.fencing_token);
}

TEST_F(StandaloneLocks, ALeaseOfZeroNeverRunsOut) {
  take("k", milliseconds(0));
  EXPECT_EQ(server_->command({"PTTL", redis_key("_lockk")}), "-1");
  const auto refused = locks().acquire("_lockk", kNow + std::chrono::hours(24 * 365), kLease);
  EXPECT_FALSE(refused.grant);
  EXPECT_FALSE(refused.holder_lease_ends);  // never
}

TEST_F(StandaloneLocks, ReleaseDeletesTheRecordThatCarriesItsToken) {
  const auto grant = take("k");
  EXPECT_EQ(locks().release("_lockk", grant.fencing_token), ReleaseResult::kReleased);
  EXPECT_EQ(server_->command({"EXISTS", redis_key("_lockk")}), "0");
  EXPECT_TRUE(locks().acquire("_lockk", kNow, kLease).grant);
}

TEST_F(StandaloneLocks, ReleaseWithAnotherTokenLeavesTheRecord) {
  const auto grant = take("k");
  EXPECT_EQ(locks().release("_lockk", grant.fencing_token + 1), ReleaseResult::kSuccessorHolds);
  EXPECT_EQ(locks().release("_lockk", 0), ReleaseResult::kSuccessorHolds);
  EXPECT_EQ(record("k"), record_of(grant));
}

// A release is one plain command, no script: one HDEL of the token's field,
// which removes the record with its last field. Only a release that deleted
// nothing asks (EXISTS) what is there instead.
TEST_F(StandaloneLocks, ReleaseIsOneHdelOfTheTokensField) {
  const auto grant = take("k");
  server_->command({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(locks().release("_lockk", grant.fencing_token), ReleaseResult::kReleased);
  std::string stats = server_->command({"INFO", "commandstats"});
  EXPECT_TRUE(mentions(stats, "cmdstat_hdel:calls=1,")) << stats;
  EXPECT_FALSE(mentions(stats, "cmdstat_evalsha")) << stats;
  EXPECT_FALSE(mentions(stats, "cmdstat_exists")) << stats;

  server_->command({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(locks().release("_lockk", grant.fencing_token), ReleaseResult::kAlreadyGone);
  stats = server_->command({"INFO", "commandstats"});
  EXPECT_TRUE(mentions(stats, "cmdstat_hdel:calls=1,")) << stats;
  EXPECT_TRUE(mentions(stats, "cmdstat_exists:calls=1,")) << stats;
}

TEST_F(StandaloneLocks, AStaleHoldersReleaseFindsItsSuccessorAndLeavesItsRecord) {
  const auto stale = take("k", milliseconds(20));
  const auto successor = take_over("k");
  EXPECT_EQ(locks().release("_lockk", stale.fencing_token), ReleaseResult::kSuccessorHolds);
  EXPECT_EQ(record("k"), record_of(successor));
}

TEST_F(StandaloneLocks, AReleaseAfterTheLeaseRanOutFindsTheRecordGone) {
  const auto spent = take("k", milliseconds(20));
  std::this_thread::sleep_for(milliseconds(60));
  EXPECT_EQ(locks().release("_lockk", spent.fencing_token), ReleaseResult::kAlreadyGone);
  EXPECT_EQ(locks().release("_lockk", spent.fencing_token), ReleaseResult::kAlreadyGone);
}

TEST_F(StandaloneLocks, ALockedSetWritesWhileTheLockHolds) {
  const auto grant = take("k");
  EXPECT_EQ(locks().set_locked("k", "v", milliseconds(60'000), "_lockk", grant.fencing_token, kNow),
            LockedWriteResult::kApplied);
  EXPECT_EQ(values().get("k"), "v");
  EXPECT_GT(std::stoll(server_->command({"PTTL", redis_key("k")})), 59'000);
  EXPECT_EQ(locks().set_locked("k", "w", std::nullopt, "_lockk", grant.fencing_token, kNow),
            LockedWriteResult::kApplied);
  EXPECT_EQ(server_->command({"PTTL", redis_key("k")}), "-1");
}

TEST_F(StandaloneLocks, ALockedSetOfAnExpiredValueDeletesIt) {
  const auto grant = take("k");
  values().set("k", "old", std::nullopt);
  EXPECT_EQ(locks().set_locked("k", "v", milliseconds(0), "_lockk", grant.fencing_token, kNow),
            LockedWriteResult::kApplied);
  EXPECT_FALSE(values().get("k"));
}

TEST_F(StandaloneLocks, ALockedWriteWithoutARecordIsRefused) {
  values().set("k", "kept", std::nullopt);
  EXPECT_EQ(locks().set_locked("k", "v", std::nullopt, "_lockk", 1, kNow),
            LockedWriteResult::kLockLost);
  EXPECT_EQ(locks().erase_locked("k", "_lockk", 1, kNow), LockedWriteResult::kLockLost);
  EXPECT_EQ(values().get("k"), "kept");
}

TEST_F(StandaloneLocks, ALockedWriteWithAnotherTokenIsRefused) {
  const auto grant = take("k");
  values().set("k", "kept", std::nullopt);
  EXPECT_EQ(locks().set_locked("k", "v", std::nullopt, "_lockk", grant.fencing_token + 1, kNow),
            LockedWriteResult::kLockLost);
  EXPECT_EQ(locks().erase_locked("k", "_lockk", grant.fencing_token - 1, kNow),
            LockedWriteResult::kLockLost);
  EXPECT_EQ(values().get("k"), "kept");
}

TEST_F(StandaloneLocks, AStaleHoldersLockedWriteAfterATakeoverIsRefused) {
  const auto stale = take("k", milliseconds(20));
  take_over("k");
  // The stale holder's clock says its lease is young: only the token refuses.
  EXPECT_EQ(locks().set_locked("k", "late", std::nullopt, "_lockk", stale.fencing_token, kNow),
            LockedWriteResult::kLockLost);
  EXPECT_FALSE(values().get("k"));
}

TEST_F(StandaloneLocks, ALockedEraseSaysWhetherAValueWasThere) {
  const auto grant = take("k");
  values().set("k", "v", std::nullopt);
  EXPECT_EQ(locks().erase_locked("k", "_lockk", grant.fencing_token, kNow),
            LockedWriteResult::kApplied);
  EXPECT_FALSE(values().get("k"));
  EXPECT_EQ(locks().erase_locked("k", "_lockk", grant.fencing_token, kNow),
            LockedWriteResult::kKeyAbsent);
}

// The time rule, case by case, against lock::judge_locked_write: a write at
// `now` under a lease taken at kNow is applied exactly when the C++ rule
// allows it. The record stays on the server throughout (its lease is at
// least a second of real time); only the caller's clock moves.
TEST_F(StandaloneLocks, TheTimeRuleIsTheCppRuleCaseByCase) {
  struct Case {
    milliseconds lease;
    microseconds after_grant;
  };
  const std::vector<Case> cases = {
      {milliseconds(6000), microseconds(0)},                       // fresh
      {milliseconds(6000), milliseconds(3999)},                    // 1 ms to spare
      {milliseconds(6000), milliseconds(4000)},                    // the last allowed ms
      {milliseconds(6000), milliseconds(4000) + microseconds(1)},  // just past
      {milliseconds(6000), milliseconds(4001)},
      {milliseconds(6000), milliseconds(5999)},  // lease not yet run out
      {milliseconds(6000), milliseconds(7000)},  // run out by the caller's clock
      {milliseconds(2000), microseconds(0)},     // exactly the margin
      {milliseconds(2000), microseconds(1)},
      {milliseconds(1999), microseconds(0)},  // lock_timeout under 1 s: never
      {milliseconds(1001), microseconds(0)},
      {milliseconds(0), microseconds(0)},  // never runs out
      {milliseconds(0), std::chrono::hours(24 * 3650)},
      {milliseconds(6000), -milliseconds(10)},  // a clock that went back
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string key = "case-" + std::to_string(i);
    const auto grant = take(key, cases[i].lease);
    const TimePoint now = kNow + cases[i].after_grant;
    const lock::LeaseRecord record{grant.fencing_token, grant.acquired_at, cases[i].lease};
    const LockedWriteResult expected =
        lock::judge_locked_write(record, grant.fencing_token, now) == lock::LockVerdict::kMayWrite
            ? LockedWriteResult::kApplied
            : LockedWriteResult::kLockLost;
    EXPECT_EQ(locks().set_locked(key, "v", std::nullopt, "_lock" + key, grant.fencing_token, now),
              expected)
        << "lease " << cases[i].lease.count() << " ms, write " << cases[i].after_grant.count()
        << " us after the grant";
    EXPECT_EQ(locks().erase_locked(key, "_lock" + key, grant.fencing_token, now) !=
                  LockedWriteResult::kLockLost,
              expected == LockedWriteResult::kApplied);
  }
}

TEST_F(StandaloneLocks, ThreadsContendingForOneLockExcludeEachOther) {
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> cycles{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        std::optional<LockGrant> grant;
        while (!(grant = locks().acquire("_lockc", kNow, kLease).grant)) std::this_thread::yield();
        if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
        EXPECT_EQ(locks().set_locked("c", std::to_string(cycles.fetch_add(1)), std::nullopt,
                                     "_lockc", grant->fencing_token, kNow),
                  LockedWriteResult::kApplied);
        inside.fetch_sub(1);
        EXPECT_EQ(locks().release("_lockc", grant->fencing_token), ReleaseResult::kReleased);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(cycles.load(), 200);
  EXPECT_EQ(server_->command({"EXISTS", redis_key("_lockc")}), "0");
}

TEST_F(StandaloneLocks, ALockOfAnotherBucketIsAnInvalidArgument) {
  const auto grant = take("a");
  std::string other = "b";
  while (redis::KeyLayout::bucket_of(other) == redis::KeyLayout::bucket_of("a")) other += "b";
  EXPECT_THROW(locks().set_locked(other, "v", std::nullopt, "_locka", grant.fencing_token, kNow),
               std::invalid_argument);
}

TEST_F(StandaloneLocks, UnreadableTermsUnderTheTokenAreCorruption) {
  const auto grant = take("k");
  server_->command({"HSET", redis_key("_lockk"), std::to_string(grant.fencing_token), "garbage"});
  EXPECT_THROW(locks().set_locked("k", "v", std::nullopt, "_lockk", grant.fencing_token, kNow),
               Corruption);
  EXPECT_FALSE(values().get("k"));
}

TEST_F(StandaloneLocks, ALockRecordThatIsNotAHashIsCorruption) {
  server_->command({"SET", redis_key("_lockk"), "garbage"});
  EXPECT_THROW(locks().set_locked("k", "v", std::nullopt, "_lockk", 1, kNow), Corruption);
  EXPECT_THROW(locks().release("_lockk", 1), Corruption);
}

}  // namespace
}  // namespace regionkv::testing
