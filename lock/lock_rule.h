// The lock rule: whether a write under a lock may go ahead. One function,
// called by every store inside the atomic step that makes the write (with the
// lock record it holds at that moment), and by Region before it (with the
// Lock's own view of its lease), so that a caller learns early, and with a
// precise message, what the store would refuse anyway.
#ifndef REGIONKV_LOCK_LOCK_RULE_H_
#define REGIONKV_LOCK_LOCK_RULE_H_

#include <cstdint>
#include <optional>

#include "lock/lease_record.h"
#include "regionkv/time_source.h"

namespace regionkv::lock {

enum class LockVerdict {
  kMayWrite,
  // The record carries the token, but its lease is (nearly) spent:
  // now + 1 s > acquired_at + lock_timeout, i.e. now + 2 s > the lease's end.
  kLeaseSpent,
  // There is no lock record, or it carries another token (taken over).
  kLockLost,
};

// `held`: the lock record the store holds now (nullopt: none), spent or not.
// A lease that never runs out (lock_timeout 0) is never spent.
LockVerdict judge_locked_write(const std::optional<LeaseRecord>& held,
                               std::uint64_t fencing_token, TimePoint now);

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LOCK_RULE_H_
