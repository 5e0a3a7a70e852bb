// The lock implementation a region uses when its backing store has none of
// its own (Backend::native_locks() returns nullptr): LocalLocks over records
// kept as ordinary values of the store, so a store that implements only
// get, set and erase gets the spec's locks.
//
// A lock record is the encoded lease (lock/lease_record.h) at "_lock" + key,
// written with the lease's end as its expiry, so a spent lease reads as
// absent; the fencing counter reserves its tokens in blocks whose bound is a
// value at kFencingCounterKey. Each step is made atomic by one of 256
// in-process mutexes picked by key: correct within one process. A store that
// several processes share must implement the lock interface itself.
#ifndef REGIONKV_REGION_LOCKING_DEFAULT_LOCKS_H_
#define REGIONKV_REGION_LOCKING_DEFAULT_LOCKS_H_

#include <optional>
#include <string_view>

#include "common/striped_mutex.h"
#include "lock/fencing_counter.h"
#include "lock/local_locks.h"
#include "regionkv/backend.h"
#include "regionkv/lock_backend.h"

namespace regionkv::locking {

// Thread-safe.
class DefaultLocks final : public LockBackend {
 public:
  // `backend` must outlive this object. Reads nothing yet: the counter is
  // read on the first grant.
  explicit DefaultLocks(Backend& backend);

  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override;
  ReleaseResult unlock(std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult set_locked(std::string_view key, std::string_view value, ExpiresAt expires_at,
                               std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token) override;
  bool is_locked(std::string_view lock_key) override;

 private:
  using Stripes = common::StripedMutex<256>;

  // The lock records and values as LocalLocks sees them: the backend's
  // values, under the stripes of their keys.
  class ValueRecords {
   public:
    using Section = Stripes::Guard;
    ValueRecords(Backend& backend, Stripes& stripes) : backend_(backend), stripes_(stripes) {}
    Section exclusive(std::string_view lock_key) { return stripes_.lock(lock_key); }
    Section exclusive(std::string_view key, std::string_view lock_key) {
      return stripes_.lock(key, lock_key);
    }
    TimePoint now() const { return backend_.now(); }
    std::optional<lock::LeaseRecord> lease(Section&, std::string_view lock_key);
    void put_lease(Section&, std::string_view lock_key, const lock::LeaseRecord& lease);
    void erase_lease(Section&, std::string_view lock_key);
    void put_value(Section&, std::string_view key, std::string_view value, ExpiresAt expires_at);
    bool erase_value(Section&, std::string_view key, TimePoint now);

   private:
    Backend& backend_;
    Stripes& stripes_;
  };

  Backend& backend_;
  Stripes stripes_;
  lock::ReservedFencingCounter tokens_;
  lock::LocalLocks<ValueRecords> locks_;
};

}  // namespace regionkv::locking

#endif  // REGIONKV_REGION_LOCKING_DEFAULT_LOCKS_H_
