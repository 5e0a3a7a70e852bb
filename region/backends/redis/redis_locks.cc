#include "region/backends/redis/redis_locks.h"

#include "region/backends/redis/value_expiry.h"

namespace regionkv::redis {

LockAttempt RedisLocks::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  region_.check_key(lock_key);
  return region_.on_servers(
      [&] { return region_.scripts().acquire(lock_key, terms.now, terms.lease); });
}

ReleaseResult RedisLocks::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  region_.check_key(lock_key);
  return region_.on_servers([&] { return region_.scripts().release(lock_key, fencing_token); });
}

LockedWriteResult RedisLocks::set_locked(std::string_view key, std::string_view value,
                                         ExpiresAt expires_at, std::string_view lock_key,
                                         std::uint64_t fencing_token) {
  region_.check_key(key);
  region_.check_value(key, value);
  region_.check_key(lock_key);
  const TimePoint now = store_.now();
  return region_.on_servers([&] {
    return region_.scripts().set_locked(key, value, time_to_live(expires_at, now), lock_key,
                                        fencing_token, now);
  });
}

LockedWriteResult RedisLocks::erase_locked(std::string_view key, std::string_view lock_key,
                                           std::uint64_t fencing_token) {
  region_.check_key(key);
  region_.check_key(lock_key);
  const TimePoint now = store_.now();
  return region_.on_servers(
      [&] { return region_.scripts().erase_locked(key, lock_key, fencing_token, now); });
}

bool RedisLocks::is_locked(std::string_view lock_key) {
  region_.check_key(lock_key);
  return region_.on_servers([&] { return region_.scripts().holds_record(lock_key); });
}

}  // namespace regionkv::redis
