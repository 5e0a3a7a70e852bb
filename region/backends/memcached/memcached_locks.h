// The memcached store's locks, on the servers. memcached_locks.cc explains
// the algorithm and the windows memcached leaves open.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_LOCKS_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_LOCKS_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lock/fencing_counter.h"
#include "regionkv/lock_backend.h"
#include "regionkv/memcached.h"

namespace regionkv {

// Thread-safe. Nested in MemcachedBackend, whose key checks, wire keys and
// driver it uses.
class MemcachedBackend::Locks final : public LockBackend {
 public:
  // `store` must outlive this object.
  explicit Locks(MemcachedBackend& store);

  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override;
  ReleaseResult unlock(std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult set_locked(std::string_view key, std::string_view value,
                               ExpiresAt expires_at, std::string_view lock_key,
                               std::uint64_t fencing_token) override;
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token) override;
  // Whether the servers hold the record (one "get"): they drop it when the
  // lease runs out, up to 1 s late, as their clock counts whole seconds.
  bool is_locked(std::string_view lock_key) override;

 private:
  // The region's counter on the servers ("incr"), beside its lock records.
  class ServerCounter final : public lock::FencingCounter {
   public:
    explicit ServerCounter(MemcachedBackend& store) : store_(store) {}
    std::uint64_t next(std::string_view lock_key) override;

   private:
    MemcachedBackend& store_;
  };

  // Whether the lock record at `lock_key` lets the holder of `fencing_token`
  // write now (lock::judge_locked_write on the record as the servers hold it).
  bool may_write(std::string_view lock_key, std::uint64_t fencing_token);

  MemcachedBackend& store_;
  ServerCounter tokens_;
  // CAS unique of each lock record this process added and still holds, by
  // lock key and fencing token, so release is one conditional delete.
  std::mutex held_mutex_;
  std::unordered_map<std::string, std::uint64_t> held_;  // guarded by held_mutex_
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_LOCKS_H_
