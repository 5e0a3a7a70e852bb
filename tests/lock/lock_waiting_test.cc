// Waiting for a lock: a release in this process wakes a waiter at once, the
// backoff between attempts never sleeps past the holder's lease, and a wait
// check that throws ends the wait holding nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "region/locking/default_locks.h"
#include "tests/lock/lock_test_support.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

// Counts the failed lock attempts that pass through it: a proxy that sees
// lock calls by handing the region a LockBackend of its own.
class AttemptCountingProxy : public ProxyBackend {
 public:
  LockBackend* native_locks() override {
    if (!counting_) {
      LockBackend* inner = proxied().native_locks();
      if (!inner) {
        default_locks_ = std::make_unique<locking::DefaultLocks>(proxied());
        inner = default_locks_.get();
      }
      counting_ = std::make_unique<Counting>(*inner);
    }
    return counting_.get();
  }
  static inline std::atomic<int> failed_attempts{0};

 private:
  class Counting final : public LockBackend {
   public:
    explicit Counting(LockBackend& inner) : inner_(inner) {}
    LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override {
      LockAttempt attempt = inner_.try_lock(lock_key, terms);
      if (!attempt.grant) ++failed_attempts;
      return attempt;
    }
    ReleaseResult unlock(std::string_view lock_key, std::uint64_t token) override {
      return inner_.unlock(lock_key, token);
    }
    LockedWriteResult set_locked(std::string_view key, std::string_view value,
                                 ExpiresAt expires_at, std::string_view lock_key,
                                 std::uint64_t token) override {
      return inner_.set_locked(key, value, expires_at, lock_key, token);
    }
    LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                   std::uint64_t token) override {
      return inner_.erase_locked(key, lock_key, token);
    }
    bool is_locked(std::string_view lock_key) override { return inner_.is_locked(lock_key); }

   private:
    LockBackend& inner_;
  };
  std::unique_ptr<locking::DefaultLocks> default_locks_;
  std::unique_ptr<Counting> counting_;
};

constexpr const char* kCountingProxy = "lock_test_attempt_counting_proxy";

class LockWaitingTest : public LockStoreTest {
 protected:
  // A region whose failed lock attempts are counted.
  Region& counted(int max_lock_attempts) {
    register_proxy(kCountingProxy,
                   [](const RegionConfig&) { return std::make_unique<AttemptCountingProxy>(); });
    AttemptCountingProxy::failed_attempts = 0;
    RegionConfig c = config();
    c.proxies = {kCountingProxy};
    c.max_lock_attempts = max_lock_attempts;
    return configured(c);
  }
};

TEST_P(LockWaitingTest, ReleaseWakesAWaiterInTheMiddleOfALongBackoff) {
  Region& region = counted(30);
  Lock holder = region.get_lock("k");
  std::atomic<bool> acquired{false};
  Steady::time_point acquired_at;
  std::thread waiter([&] {
    Lock lock = region.get_lock("k");
    acquired_at = Steady::now();
    acquired = true;
  });
  // After 11 failed attempts the waiter's next pause is drawn from
  // [500 ms, 1500 ms): release while it sleeps (or is about to).
  const bool waited = eventually([] { return AttemptCountingProxy::failed_attempts >= 11; },
                                 seconds(30));
  const Steady::time_point released_at = Steady::now();
  holder.release();
  waiter.join();
  ASSERT_TRUE(waited) << "the waiter made only " << AttemptCountingProxy::failed_attempts
                      << " attempts in 30 s";
  EXPECT_FALSE(acquired_at < released_at) << "the waiter had the lock before its release";
  EXPECT_LT(acquired_at - released_at, milliseconds(250));
}

TEST_P(LockWaitingTest, BackoffNeverSleepsPastTheHoldersLease) {
  Region& region = configured();  // 15 attempts: about 5 s of backoff in all
  Lock holder = region.get_lock("k");
  // The holder's lease has 1 ms left (by the store's clock, which stands
  // still): every pause is cut to it, so the attempts are all made at once.
  fixture_.clock->advance(kDefaultLease - milliseconds(1));
  const Steady::time_point start = Steady::now();
  EXPECT_THROW(region.get_lock("k"), LockUnavailable);
  EXPECT_LT(Steady::now() - start, milliseconds(1000));
}

TEST_P(LockWaitingTest, WaiterTakesTheLockAsSoonAsItIsReleased) {
  Region& region = counted(1'000'000);
  Lock holder = region.get_lock("k");
  std::atomic<std::uint64_t> token{0};
  Steady::time_point acquired_at;
  std::thread waiter([&] {
    Lock lock = region.get_lock("k");
    acquired_at = Steady::now();
    token = lock.fencing_token();
  });
  // The waiter must have found the lock taken before the release.
  const bool waited = eventually([] { return AttemptCountingProxy::failed_attempts >= 1; },
                                 seconds(30));
  EXPECT_EQ(token, 0u) << "the waiter was granted a held lock";
  const std::uint64_t holder_token = holder.fencing_token();
  const Steady::time_point released_at = Steady::now();
  holder.release();
  waiter.join();
  ASSERT_TRUE(waited) << "the waiter never tried the held lock";
  EXPECT_GT(token, holder_token);
  EXPECT_LT(acquired_at - released_at, milliseconds(250));
}

// What a wait check throws to end a wait (the Python module's stands for
// KeyboardInterrupt).
struct WaitInterrupted {};

// A check that throws on its `calls_before_throwing` + 1st call.
WaitCheck interrupt_after(int calls_before_throwing, std::atomic<int>& calls) {
  return [&calls, calls_before_throwing] {
    if (calls++ == calls_before_throwing) throw WaitInterrupted();
  };
}

TEST_P(LockWaitingTest, WaitCheckThatThrowsEndsTheWaitHoldingNothing) {
  Region& region = counted(1'000'000);
  Lock holder = region.get_lock("k");  // held throughout: the store's clock stands still
  std::atomic<int> calls{0};
  EXPECT_THROW(region.get_lock("k", interrupt_after(3, calls)), WaitInterrupted);
  EXPECT_EQ(calls, 4);
  EXPECT_GE(AttemptCountingProxy::failed_attempts, 1);
  holder.release();
  EXPECT_FALSE(region.is_locked("k"));
  EXPECT_GT(region.get_lock("k").fencing_token(), holder.fencing_token());
}

TEST_P(LockWaitingTest, WaitCheckThatThrowsEndsGetOrCreateWithoutCreating) {
  Region& region = counted(1'000'000);
  Lock holder = region.get_lock("k");
  std::atomic<int> calls{0};
  bool created = false;
  const auto creator = [&] {
    created = true;
    return std::string("v");
  };
  EXPECT_THROW(region.get_or_create("k", creator, interrupt_after(0, calls)), WaitInterrupted);
  EXPECT_FALSE(created);
  holder.release();
  EXPECT_FALSE(region.is_locked("k"));
  EXPECT_FALSE(region.find("k"));
}

TEST_P(LockWaitingTest, UncontendedLockNeverCallsTheWaitCheck) {
  Region& region = configured();
  std::atomic<int> calls{0};
  Lock lock = region.get_lock("k", interrupt_after(0, calls));
  EXPECT_TRUE(lock.active());
  EXPECT_EQ(calls, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, LockWaitingTest, every_local_store(), store_name);

}  // namespace
}  // namespace regionkv::testing
