// The redis store's LockBackend: the region's locks on the servers, each
// step one script or command (lock_steps.h), after the key checks, with the
// region's clock for the time rule and the lock's acquisition time, and the
// region's name added to what a server's failure throws.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REDIS_LOCKS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REDIS_LOCKS_H_

#include <cstdint>
#include <string_view>

#include "region/backends/redis/redis_region.h"
#include "regionkv/backend.h"
#include "regionkv/lock_backend.h"

namespace regionkv::redis {

// Thread-safe. Throws as lock_backend.h says: StorageError (a server failed,
// naming the region and the server), Corruption (a lock record regionkv did
// not write), std::invalid_argument (a key over the limits).
class RedisLocks final : public LockBackend {
 public:
  // Both must outlive this object. `store` supplies the clock
  // (Backend::now(): the region's).
  RedisLocks(RedisRegion& region, const Backend& store) : region_(region), store_(store) {}

  // Grants never say took_over: the server drops a spent record, so the
  // store cannot tell a takeover from a first grant.
  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override;
  ReleaseResult unlock(std::string_view lock_key, std::uint64_t fencing_token) override;
  // The region's clock is read once, here, for the value's time to live and
  // the time rule, then the script checks and writes on the server.
  LockedWriteResult set_locked(std::string_view key, std::string_view value, ExpiresAt expires_at,
                               std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token) override;
  // Whether the server holds the record (one EXISTS): it drops the record
  // when the lease runs out on its clock.
  bool is_locked(std::string_view lock_key) override;

 private:
  RedisRegion& region_;
  const Backend& store_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REDIS_LOCKS_H_
