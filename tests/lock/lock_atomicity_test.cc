// A locked write checks the lock and writes in one atomic step: a takeover
// cannot slip in between (tests/support/takeover_during_locked_write.h holds
// a locked write inside its step while another thread takes the lock over).
// It runs on every store with in-process locks, and on a deliberately broken
// store, to show that it catches a check-then-write. The memcached store's
// window is pinned in tests/memcached/memcached_backend_test.cc.
#include <gtest/gtest.h>

#include "lock/lease_record.h"
#include "lock/lock_rule.h"
#include "region/locking/default_locks.h"
#include "tests/lock/lock_test_support.h"
#include "tests/support/takeover_during_locked_write.h"

namespace regionkv::testing {
namespace {

class LockAtomicityTest : public LockStoreTest {};

TEST_P(LockAtomicityTest, TakeoverWaitsForALockedWriteInProgress) {
  const TakeoverObserved observed = takeover_during_locked_write(config());
  EXPECT_FALSE(observed.granted_during_write)
      << "the lock was taken over between a locked write's check and its write";
  EXPECT_EQ(observed.final_value, "new") << "the stale holder's write landed after the takeover";
}

INSTANTIATE_TEST_SUITE_P(Stores, LockAtomicityTest, every_local_store(), store_name);

// The control: a store whose locked write checks the record, then reads the
// clock, then writes, without holding anything in between.
class CheckThenWriteStore : public ValuesOnlyStore {
 public:
  CheckThenWriteStore() : default_locks_(*this), locks_(*this) {}
  LockBackend* native_locks() override { return &locks_; }

 private:
  class Locks final : public LockBackend {
   public:
    explicit Locks(CheckThenWriteStore& store) : store_(store) {}
    LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override {
      return store_.default_locks_.try_lock(lock_key, terms);
    }
    ReleaseResult unlock(std::string_view lock_key, std::uint64_t token) override {
      return store_.default_locks_.unlock(lock_key, token);
    }
    LockedWriteResult set_locked(std::string_view key, std::string_view value,
                                 ExpiresAt expires_at, std::string_view lock_key,
                                 std::uint64_t token) override {
      const std::optional<std::string> bytes = store_.stored_bytes(lock_key);  // the check
      const TimePoint now = store_.now();                                        // a stall
      const std::optional<lock::LeaseRecord> lease =
          bytes ? std::optional(lock::decode_lease(*bytes)) : std::nullopt;
      if (lock::judge_locked_write(lease, token, now) != lock::LockVerdict::kMayWrite)
        return LockedWriteResult::kLockLost;
      store_.set(key, value, expires_at);  // the write
      return LockedWriteResult::kApplied;
    }
    LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                   std::uint64_t token) override {
      return store_.default_locks_.erase_locked(key, lock_key, token);
    }
    bool is_locked(std::string_view lock_key) override {
      return store_.default_locks_.is_locked(lock_key);
    }

   private:
    CheckThenWriteStore& store_;
  };

  locking::DefaultLocks default_locks_;
  Locks locks_;
};

TEST(LockAtomicityControlTest, CatchesALockedWriteThatChecksThenWrites) {
  register_backend("check_then_write",
                   [](const RegionConfig&) { return std::make_unique<CheckThenWriteStore>(); });
  RegionConfig config;
  config.backing_store = "check_then_write";
  const TakeoverObserved observed = takeover_during_locked_write(config);
  EXPECT_TRUE(observed.granted_during_write);
  EXPECT_EQ(observed.stale_write, LockedWriteResult::kApplied);
  EXPECT_EQ(observed.final_value, "old");
}

}  // namespace
}  // namespace regionkv::testing
