#include "region/locking/region_locks.h"

#include <algorithm>
#include <optional>
#include <random>
#include <stdexcept>

#include "common/describe.h"
#include "common/unix_ms.h"
#include "lock/lease_record.h"
#include "lock/lock_rule.h"
#include "region/locking/lock_wiring.h"
#include "regionkv/errors.h"

namespace regionkv::locking {
namespace {

using lock::judge_locked_write;
using lock::LeaseRecord;
using lock::LockVerdict;

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// Backoff between lock attempts: doubling from kFirstBackoff up to
// kLongestBackoff, so 15 attempts span about one default lease.
constexpr milliseconds kFirstBackoff{1};
constexpr milliseconds kLongestBackoff{1000};

nanoseconds jittered_backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const milliseconds base = std::min<milliseconds>(
      kFirstBackoff * (std::int64_t{1} << std::min(attempt, 20)), kLongestBackoff);
  // Uniform in [base/2, base * 3/2): spreads waiters that failed together.
  const auto nanos = std::chrono::duration_cast<nanoseconds>(base).count();
  std::uniform_int_distribution<long long> spread(nanos / 2, nanos + nanos / 2);
  return nanoseconds(spread(random));
}

// Sleeps for `pause`, or until a release in this process since
// `generation`; calls `check` first and then at least every
// kWaitCheckInterval, so that a wait of up to kLongestBackoff can be ended.
void wait_checked(const LockWaiters::Ticket& waiting, std::uint64_t generation, nanoseconds pause,
                  const WaitCheck& check) {
  if (!check) return waiting.wait(generation, pause);
  const auto until = std::chrono::steady_clock::now() + pause;
  for (;;) {
    check();
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= nanoseconds(0) || waiting.generation() != generation) return;
    waiting.wait(generation, std::min<nanoseconds>(left, kWaitCheckInterval));
  }
}

}  // namespace

RegionLocks::RegionLocks(Settings settings, LockBackend& backend, common::RegionCounters& counters)
    : settings_(std::move(settings)),
      lease_(lock::lease_for(settings_.lock_timeout)),
      backend_(backend),
      counters_(counters) {}

Lock RegionLocks::acquire(std::string_view key, std::string record_key, const WaitCheck& check) {
  const TimeSource& clock = *settings_.clock;
  const auto grant = [&](TimePoint acquired_at, std::uint64_t token) {
    return internal::LockWiring::make(*this, lifetime_, std::string(key), std::move(record_key),
                                      acquired_at, token);
  };
  if (!settings_.locking) return grant(common::truncate_to_ms(clock.now()), 0);

  // Registered as a waiter from the first failed attempt on, so that the
  // uncontended path stays free of shared writes (lock_waiters.h); the
  // wait is timed from then on too.
  std::optional<LockWaiters::Ticket> waiting;
  std::chrono::steady_clock::time_point waiting_since;
  const auto count_wait = [&] {
    if (!waiting) return;
    counters_.add(common::RegionCounters::kLockWaitMicros,
                  static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                 std::chrono::steady_clock::now() - waiting_since)
                                                 .count()));
  };
  for (int attempt = 0;; ++attempt) {
    std::uint64_t generation = waiting ? waiting->generation() : 0;
    const LockAttempt result = backend_.try_lock(record_key, LeaseTerms{clock.now(), lease_});
    if (result.grant) {
      count_wait();
      counters_.add(common::RegionCounters::kLocksGranted);
      if (result.grant->took_over) counters_.add(common::RegionCounters::kLockTakeovers);
      return grant(result.grant->acquired_at, result.grant->fencing_token);
    }
    if (attempt + 1 >= settings_.max_lock_attempts) break;
    if (!waiting) {
      waiting.emplace(waiters_.enter(record_key));
      waiting_since = std::chrono::steady_clock::now();
      generation = waiting->generation();
      counters_.add(common::RegionCounters::kLockWaits);
    }
    nanoseconds pause = jittered_backoff(attempt);
    if (result.holder_lease_ends) {
      // Never sleep past the moment the holder's lease runs out.
      const auto remaining = *result.holder_lease_ends - clock.now();
      pause = std::clamp(std::chrono::duration_cast<nanoseconds>(remaining), nanoseconds(0), pause);
    }
    try {
      wait_checked(*waiting, generation, pause, check);
    } catch (...) {
      count_wait();
      throw;
    }
  }
  count_wait();
  counters_.add(common::RegionCounters::kLockUnavailable);
  throw LockUnavailable(common::describe_key(settings_.region_name, key) +
                        ": maximum lock attempts (" + std::to_string(settings_.max_lock_attempts) +
                        ") reached");
}

bool RegionLocks::is_locked(std::string_view record_key) const {
  return settings_.locking && backend_.is_locked(record_key);
}

bool RegionLocks::admit_locked_write(const Lock& lock, std::string_view key) const {
  const RegionLocks* owner = internal::LockWiring::owner(lock);
  if (owner != this)
    throw std::invalid_argument(
        common::describe_key(settings_.region_name, key) + ": the lock belongs to " +
        (owner ? common::describe_region(owner->region_name())
               : std::string("no region (released, or its store was closed)")));
  if (lock.key() != key)
    throw std::invalid_argument(common::describe_key(settings_.region_name, key) +
                                ": the lock is for key '" + printable(lock.key()) + "'");
  if (!settings_.locking) return false;
  // The lock's own view of its lease: the store judges the record it holds.
  const LeaseRecord own{lock.fencing_token(), lock.acquired_at(), lease_};
  if (judge_locked_write(own, lock.fencing_token(), settings_.clock->now()) ==
      LockVerdict::kLeaseSpent) {
    counters_.add(common::RegionCounters::kLockTimeouts);
    throw LockTimeout(common::describe_key(settings_.region_name, key) +
                      ": the lock's lease is (nearly) spent");
  }
  return true;
}

LockedWriteResult RegionLocks::counted(LockedWriteResult result) {
  if (result == LockedWriteResult::kLockLost) counters_.add(common::RegionCounters::kLockTimeouts);
  return result;
}

LockedWriteResult RegionLocks::set_locked(const Lock& lock, std::string_view stored_key,
                                          std::string_view value, ExpiresAt expires_at) {
  return counted(backend_.set_locked(stored_key, value, expires_at,
                                     internal::LockWiring::record_key(lock), lock.fencing_token()));
}

LockedWriteResult RegionLocks::erase_locked(const Lock& lock, std::string_view stored_key) {
  return counted(backend_.erase_locked(stored_key, internal::LockWiring::record_key(lock),
                                       lock.fencing_token()));
}

void RegionLocks::release(const Lock& lock) {
  if (fork_guard_.inherited())
    fork_guard_.refuse("cannot release the lock on " +
                       common::describe_key(settings_.region_name, lock.key()));
  if (!settings_.locking) return;
  const std::string& record_key = internal::LockWiring::record_key(lock);
  if (backend_.unlock(record_key, lock.fencing_token()) == ReleaseResult::kSuccessorHolds)
    counters_.add(common::RegionCounters::kReleasesFoundSuccessor);
  waiters_.notify(record_key);
}

}  // namespace regionkv::locking
