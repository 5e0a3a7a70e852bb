// How a region's lock manager makes Locks and reads what a Lock carries
// beyond its public getters: the one friend of regionkv::Lock, so that the
// public header names no internal class's members (LevelDB's
// WriteBatchInternal pattern, as internal::BackendWiring for backends).
#ifndef REGIONKV_REGION_LOCKING_LOCK_WIRING_H_
#define REGIONKV_REGION_LOCKING_LOCK_WIRING_H_

#include <cstdint>
#include <string>
#include <utility>

#include "common/lifetime.h"
#include "regionkv/lock.h"
#include "regionkv/time_source.h"

namespace regionkv::internal {

class LockWiring {
 public:
  // A held lock issued by `owner`, valid while `owner_lifetime` lasts.
  static Lock make(locking::RegionLocks& owner, const common::Lifetime& owner_lifetime,
                   std::string key, std::string record_key, TimePoint acquired_at,
                   std::uint64_t fencing_token) {
    return Lock(&owner, owner_lifetime.cell(), owner_lifetime.generation(), std::move(key),
                std::move(record_key), acquired_at, fencing_token);
  }
  // The lock manager that issued `lock`, while it exists and the lock has
  // not been released; otherwise null.
  static const locking::RegionLocks* owner(const Lock& lock) { return lock.owner(); }
  // "_lock" + the key as mangled when the lock was taken.
  static const std::string& record_key(const Lock& lock) { return lock.record_key_; }
};

}  // namespace regionkv::internal

#endif  // REGIONKV_REGION_LOCKING_LOCK_WIRING_H_
