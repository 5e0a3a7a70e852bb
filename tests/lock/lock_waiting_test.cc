// Waiting for a lock: a release in this process wakes a waiter at once, and
// the backoff between attempts never sleeps past the holder's lease.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/lock/lock_test_support.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

// Counts the failed lock attempts that pass through it.
class AttemptCountingProxy : public ProxyBackend {
 public:
  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override {
    LockAttempt attempt = ProxyBackend::try_lock(lock_key, terms);
    if (!attempt.grant) ++failed_attempts;
    return attempt;
  }
  static inline std::atomic<int> failed_attempts{0};
};

constexpr const char* kCountingProxy = "lock_test_attempt_counting_proxy";

using LockWaitingTest = LockStoreTest;

TEST_P(LockWaitingTest, ReleaseWakesAWaiterInTheMiddleOfALongBackoff) {
  register_proxy(kCountingProxy,
                 [](const RegionConfig&) { return std::make_unique<AttemptCountingProxy>(); });
  AttemptCountingProxy::failed_attempts = 0;
  RegionConfig c = config();
  c.proxies = {kCountingProxy};
  c.max_lock_attempts = 30;
  Region& region = configured(c);

  Lock holder = region.get_lock("k");
  Steady::time_point acquired_at;
  std::thread waiter([&] {
    Lock lock = region.get_lock("k");
    acquired_at = Steady::now();
  });
  // After 11 failed attempts the waiter's next pause is drawn from
  // [500 ms, 1500 ms): release while it sleeps (or is about to).
  while (AttemptCountingProxy::failed_attempts < 11) std::this_thread::sleep_for(milliseconds(1));
  const Steady::time_point released_at = Steady::now();
  holder.release();
  waiter.join();
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
  Region& region = configured();
  Lock holder = region.get_lock("k");
  std::atomic<bool> waiting{false};
  std::uint64_t token = 0;
  std::thread waiter([&] {
    waiting = true;
    token = region.get_lock("k").fencing_token();
  });
  while (!waiting) std::this_thread::yield();
  const std::uint64_t holder_token = holder.fencing_token();
  holder.release();
  waiter.join();
  EXPECT_GT(token, holder_token);
}

INSTANTIATE_TEST_SUITE_P(Stores, LockWaitingTest, ::testing::Values("rocksdb", "memory"),
                         store_name);

}  // namespace
}  // namespace regionkv::testing
