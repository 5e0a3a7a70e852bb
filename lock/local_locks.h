// The lock algorithm of a store whose lock records no other process writes:
// rocksdb (RocksDB admits one process per store), memory (a process's own
// map) and lock::DefaultLocks (correct within one process, by its contract).
//
// Every call runs inside one exclusive section of the store's (its map's
// mutex, or the stripes of its key mutexes) that covers reading the lock
// record, deciding and writing, which makes each call a compare-and-set:
//   try_lock      takes the lock if its record is absent or its lease has run
//                 out, drawing the token inside the section;
//   unlock        deletes the record only if it carries the caller's token
//                 (live or spent; another holder's record stays);
//   set_locked,   write only if judge_locked_write allows it for the record
//   erase_locked  as it is at that moment;
//   is_locked     reads the record: what try_lock would find.
// The store supplies its records through a type satisfying LockRecords.
// Stores whose lock records live on servers have algorithms of their own
// (lock/README.md lists them).
#ifndef REGIONKV_LOCK_LOCAL_LOCKS_H_
#define REGIONKV_LOCK_LOCAL_LOCKS_H_

#include <concepts>
#include <optional>
#include <string_view>

#include "common/unix_ms.h"
#include "lock/fencing_counter.h"
#include "lock/lease_record.h"
#include "lock/lock_rule.h"
#include "regionkv/lock_backend.h"

namespace regionkv::lock {

// How a store keeps its lock records and values for LocalLocks. A Section
// holds the store's mutexes for the keys it was made for while it lives;
// every other call takes the Section it runs in. lease() returns the stored
// lease, spent or not (nullopt: none); erase_value() returns whether a live
// value was there.
template <typename R>
concept LockRecords =
    requires(R records, typename R::Section& section, std::string_view key,
             std::string_view value, const LeaseRecord& lease, ExpiresAt expires_at,
             TimePoint now) {
      { records.exclusive(key) } -> std::same_as<typename R::Section>;
      { records.exclusive(key, key) } -> std::same_as<typename R::Section>;
      { records.now() } -> std::same_as<TimePoint>;
      { records.lease(section, key) } -> std::same_as<std::optional<LeaseRecord>>;
      records.put_lease(section, key, lease);
      records.erase_lease(section, key);
      records.put_value(section, key, value, expires_at);
      { records.erase_value(section, key, now) } -> std::same_as<bool>;
    };

// Thread-safe if Records is.
template <LockRecords Records>
class LocalLocks final : public LockBackend {
 public:
  // `tokens` must outlive this object.
  LocalLocks(Records records, FencingCounter& tokens)
      : records_(std::move(records)), tokens_(tokens) {}

  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override {
    auto section = records_.exclusive(lock_key);
    const auto holder = records_.lease(section, lock_key);
    if (holder && holder->live_at(terms.now)) return LockAttempt{std::nullopt, holder->ends()};
    const bool took_over = holder.has_value();  // a spent lease is replaced
    const LeaseRecord lease{tokens_.next(lock_key), common::truncate_to_ms(terms.now),
                            terms.lease};
    records_.put_lease(section, lock_key, lease);
    return LockAttempt{LockGrant{lease.fencing_token, lease.acquired_at, took_over},
                       std::nullopt};
  }

  ReleaseResult unlock(std::string_view lock_key, std::uint64_t fencing_token) override {
    auto section = records_.exclusive(lock_key);
    const auto held = records_.lease(section, lock_key);
    if (!held) return ReleaseResult::kAlreadyGone;
    if (held->fencing_token != fencing_token) return ReleaseResult::kSuccessorHolds;
    records_.erase_lease(section, lock_key);
    return ReleaseResult::kReleased;
  }

  LockedWriteResult set_locked(std::string_view key, std::string_view value,
                               ExpiresAt expires_at, std::string_view lock_key,
                               std::uint64_t fencing_token) override {
    auto section = records_.exclusive(key, lock_key);
    if (!may_write(section, lock_key, fencing_token, records_.now()))
      return LockedWriteResult::kLockLost;
    records_.put_value(section, key, value, expires_at);
    return LockedWriteResult::kApplied;
  }

  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token) override {
    auto section = records_.exclusive(key, lock_key);
    const TimePoint now = records_.now();
    if (!may_write(section, lock_key, fencing_token, now)) return LockedWriteResult::kLockLost;
    return records_.erase_value(section, key, now) ? LockedWriteResult::kApplied
                                                   : LockedWriteResult::kKeyAbsent;
  }

  bool is_locked(std::string_view lock_key) override {
    auto section = records_.exclusive(lock_key);
    const auto holder = records_.lease(section, lock_key);
    return holder && holder->live_at(records_.now());
  }

 private:
  bool may_write(typename Records::Section& section, std::string_view lock_key,
                 std::uint64_t fencing_token, TimePoint now) {
    return judge_locked_write(records_.lease(section, lock_key), fencing_token, now) ==
           LockVerdict::kMayWrite;
  }

  Records records_;
  FencingCounter& tokens_;
};

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LOCAL_LOCKS_H_
