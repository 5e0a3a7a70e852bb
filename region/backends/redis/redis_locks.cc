#include "region/backends/redis/redis_locks.h"

#include "region/backends/redis/lock_steps.h"
#include "region/backends/redis/value_expiry.h"

namespace regionkv::redis {

LockAttempt RedisLocks::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  region_.check_key(lock_key);
  return region_.on_servers([&] {
    return acquire_lock(region_.client(), region_.layout(), lock_key, terms.now, terms.lease);
  });
}

ReleaseResult RedisLocks::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  region_.check_key(lock_key);
  return region_.on_servers(
      [&] { return release_lock(region_.client(), region_.layout(), lock_key, fencing_token); });
}

LockedWriteResult RedisLocks::set_locked(std::string_view key, std::string_view value,
                                         ExpiresAt expires_at, std::string_view lock_key,
                                         std::uint64_t fencing_token) {
  region_.check_key(key);
  region_.check_value(key, value);
  region_.check_key(lock_key);
  const TimePoint now = store_.now();
  return region_.on_servers([&] {
    return redis::set_locked(region_.client(), region_.layout(), key, value,
                             time_to_live(expires_at, now), lock_key, fencing_token, now);
  });
}

LockedWriteResult RedisLocks::erase_locked(std::string_view key, std::string_view lock_key,
                                           std::uint64_t fencing_token) {
  region_.check_key(key);
  region_.check_key(lock_key);
  const TimePoint now = store_.now();
  return region_.on_servers([&] {
    return redis::erase_locked(region_.client(), region_.layout(), key, lock_key, fencing_token,
                               now);
  });
}

bool RedisLocks::is_locked(std::string_view lock_key) {
  region_.check_key(lock_key);
  return region_.on_servers(
      [&] { return lock_record_exists(region_.client(), region_.layout(), lock_key); });
}

}  // namespace regionkv::redis
