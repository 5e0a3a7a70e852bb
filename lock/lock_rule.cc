#include "lock/lock_rule.h"

namespace regionkv::lock {

LockVerdict judge_locked_write(const std::optional<LeaseRecord>& held,
                               std::uint64_t fencing_token, TimePoint now) {
  if (!held || held->fencing_token != fencing_token) return LockVerdict::kLockLost;
  const ExpiresAt ends = held->ends();
  // lock_timeout = lease - kLeaseMargin, so now + kLeaseMargin <=
  // acquired_at + lock_timeout reads now + 2 * kLeaseMargin <= lease end.
  if (ends && common::add_saturating(now, 2 * kLeaseMargin) > *ends)
    return LockVerdict::kLeaseSpent;
  return LockVerdict::kMayWrite;
}

}  // namespace regionkv::lock
