#include "lock/region_locks.h"

#include <algorithm>
#include <optional>
#include <random>
#include <stdexcept>

#include "common/describe.h"
#include "common/unix_ms.h"
#include "lock/lease_record.h"
#include "lock/lock_rule.h"
#include "regionkv/errors.h"

namespace regionkv::lock {
namespace {

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

}  // namespace

RegionLocks::RegionLocks(Settings settings, LockBackend& backend)
    : settings_(std::move(settings)),
      lease_(lease_for(settings_.lock_timeout)),
      backend_(backend) {}

Lock RegionLocks::acquire(std::string_view key, std::string record_key) {
  const TimeSource& clock = *settings_.clock;
  const auto grant = [&](TimePoint acquired_at, std::uint64_t token) {
    return Lock(this, lifetime_.cell(), lifetime_.generation(), std::string(key),
                std::move(record_key), acquired_at, token);
  };
  if (!settings_.locking) return grant(common::truncate_to_ms(clock.now()), 0);

  // Registered as a waiter from the first failed attempt on, so that the
  // uncontended path stays free of shared writes (lock/lock_waiters.h).
  std::optional<LockWaiters::Ticket> waiting;
  for (int attempt = 0;; ++attempt) {
    std::uint64_t generation = waiting ? waiting->generation() : 0;
    const LockAttempt result = backend_.try_lock(record_key, LeaseTerms{clock.now(), lease_});
    if (result.grant) return grant(result.grant->acquired_at, result.grant->fencing_token);
    if (attempt + 1 >= settings_.max_lock_attempts) break;
    if (!waiting) {
      waiting.emplace(waiters_.enter(record_key));
      generation = waiting->generation();
    }
    nanoseconds pause = jittered_backoff(attempt);
    if (result.holder_lease_ends) {
      // Never sleep past the moment the holder's lease runs out.
      const auto remaining = *result.holder_lease_ends - clock.now();
      pause = std::clamp(std::chrono::duration_cast<nanoseconds>(remaining), nanoseconds(0),
                         pause);
    }
    waiting->wait(generation, pause);
  }
  throw LockUnavailable(common::describe_key(settings_.region_name, key) +
                        ": maximum lock attempts (" +
                        std::to_string(settings_.max_lock_attempts) + ") reached");
}

bool RegionLocks::admit_locked_write(const Lock& lock, std::string_view key) const {
  const RegionLocks* owner = lock.owner();
  if (owner != this)
    throw std::invalid_argument(
        common::describe_key(settings_.region_name, key) + ": the lock belongs to " +
        (owner ? "region '" + owner->region_name() + "'"
               : std::string("no region (released, or its store was closed)")));
  if (lock.key_ != key)
    throw std::invalid_argument(common::describe_key(settings_.region_name, key) +
                                ": the lock is for key '" + printable(lock.key_) + "'");
  if (!settings_.locking) return false;
  // The lock's own view of its lease: the store judges the record it holds.
  const LeaseRecord own{lock.fencing_token_, lock.acquired_at_, lease_};
  if (judge_locked_write(own, lock.fencing_token_, settings_.clock->now()) ==
      LockVerdict::kLeaseSpent)
    throw LockTimeout(common::describe_key(settings_.region_name, key) +
                      ": the lock's lease is (nearly) spent");
  return true;
}

LockedWriteResult RegionLocks::set_locked(const Lock& lock, std::string_view stored_key,
                                          std::string_view value, ExpiresAt expires_at) {
  return backend_.set_locked(stored_key, value, expires_at, lock.record_key_,
                             lock.fencing_token_);
}

LockedWriteResult RegionLocks::erase_locked(const Lock& lock, std::string_view stored_key) {
  return backend_.erase_locked(stored_key, lock.record_key_, lock.fencing_token_);
}

void RegionLocks::release(const Lock& lock) {
  if (!settings_.locking) return;
  backend_.unlock(lock.record_key_, lock.fencing_token_);
  waiters_.notify(lock.record_key_);
}

}  // namespace regionkv::lock
