// The memcached store's locks (the attempt loop runs above, in region/locking/).
//
// Taking a lock: the fencing token comes first, from the region's counter
// ("incr"); then the lease record carrying it is created with "add", which
// exactly one contender wins, and read back in the same round trip to learn
// whether this caller won and the record's CAS unique. The record expires on
// the server when the lease runs out, which is how a dead holder's lock is
// taken over: memcached's clock decides, so clients' clocks need not agree.
//
// Releasing: a CAS-conditional delete with the CAS unique the add produced,
// so exactly the record this lock added is removed, never a successor's. It
// is sent without waiting for the answer (which would say nothing the caller
// can act on): a lock cycle is then two round trips, as a bare add + delete
// is, plus a send. The driver applies it before any later call on the key from this
// process, so a waiter woken by the release, or the same thread locking
// again, finds the record gone. Another process may see it a moment later,
// as if the release had come a moment later.
//
// Windows that remain, because memcached has no multi-key transactions:
// - A locked write reads the record, judges it by the lock rule
//   (lock::judge_locked_write: the token and the time), then writes. A holder
//   that stalls between the two for longer than the rest of its lease (at
//   least 1 s: the rule refuses locked writes in the lease's last 2 s, and the
//   server may drop a record up to 1 s early) writes once after a takeover.
// - Tokens are issued in order, but a contender that stalls between its
//   "incr" and its "add" while another takes and releases the same key is
//   granted after a holder with a larger token. Mutual exclusion holds; a
//   downstream fence would only refuse the later holder.
// - Eviction, a flush or a server restart drops lock records of live
//   holders; the counter then restarts from the clock (see counter_seed).
#include "region/backends/memcached/memcached_locks.h"

#include <string>

#include "common/little_endian.h"
#include "common/unix_ms.h"
#include "lock/lease_record.h"
#include "lock/lock_rule.h"
#include "region/backends/memcached/memcached_expiry.h"
#include "region/backends/memcached/on_servers.h"

namespace regionkv {
namespace {

// memcached drops a record when its whole-second clock passes the expiry,
// so a lease can outlive its nominal end by up to this much.
constexpr std::chrono::seconds kServerClockSlack{1};

// The value a counter starts from when it is missing (first use, eviction,
// server restart): the time in microseconds. Tokens keep increasing across
// such a loss as long as fewer than a million locks a second were taken
// and the clock does not step back.
std::uint64_t counter_seed(TimePoint now) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return micros > 0 ? static_cast<std::uint64_t>(micros) : 1;
}

std::string held_lock_id(std::string_view lock_key, std::uint64_t fencing_token) {
  std::string id(lock_key);
  common::append_u64(id, fencing_token);  // fixed width: ids cannot collide
  return id;
}

}  // namespace

MemcachedBackend::Locks::Locks(MemcachedBackend& store) : store_(store), tokens_(store) {}

std::uint64_t MemcachedBackend::Locks::ServerCounter::next(std::string_view lock_key) {
  // On the record's connection: with one server, the whole cycle then wakes
  // one server thread.
  return store_.driver_->increment_with_affinity(store_.wire_key(lock::kFencingCounterKey), 1,
                                                 counter_seed(store_.now()),
                                                 store_.wire_key(lock_key));
}

LockAttempt MemcachedBackend::Locks::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  store_.check_key(lock_key);
  const std::string record_key = store_.wire_key(lock_key);
  return store_.on_servers([&]() -> LockAttempt {
    const lock::LeaseRecord lease{tokens_.next(lock_key), common::truncate_to_ms(terms.now),
                                  terms.lease};
    const std::string record = lock::encode_lease(lease);
    const MemcachedExpiry expiry = memcached::to_memcached_expiry(lease.ends(), terms.now);

    const auto held = store_.driver_->add_and_get(record_key, record, expiry);
    if (!held) return {};  // the holder released in between: the region retries
    if (held->value == record) {
      std::lock_guard guard(held_mutex_);
      held_[held_lock_id(lock_key, lease.fencing_token)] = held->cas;
      return {LockGrant{lease.fencing_token, lease.acquired_at}, std::nullopt};
    }
    const ExpiresAt ends = lock::decode_lease(held->value).ends();
    if (!ends) return {};
    return {std::nullopt, common::add_saturating(*ends, kServerClockSlack)};
  });
}

ReleaseResult MemcachedBackend::Locks::unlock(std::string_view lock_key,
                                              std::uint64_t fencing_token) {
  store_.check_key(lock_key);
  std::optional<std::uint64_t> added_cas;
  {
    std::lock_guard guard(held_mutex_);
    if (auto it = held_.find(held_lock_id(lock_key, fencing_token)); it != held_.end()) {
      added_cas = it->second;
      held_.erase(it);
    }
  }
  const std::string record_key = store_.wire_key(lock_key);
  return store_.on_servers([&] {
    // Nothing changes a lock record in place: if its CAS unique is not the
    // one the add produced, the lease ran out and the record is gone or
    // another holder's. Either way there is nothing to delete, so the
    // answer is not awaited (and what it would say is not known).
    if (added_cas) {
      store_.driver_->cas_erase_without_reply(record_key, *added_cas);
      return ReleaseResult::kReleased;
    }
    // No CAS unique known (this process did not take the lock): read,
    // compare, delete only what was read.
    const auto held = store_.driver_->get(record_key);
    if (!held) return ReleaseResult::kAlreadyGone;
    if (lock::decode_lease(held->value).fencing_token != fencing_token)
      return ReleaseResult::kSuccessorHolds;
    switch (store_.driver_->cas_erase(record_key, held->cas)) {
      case CasResult::kStored:
        return ReleaseResult::kReleased;
      case CasResult::kChanged:  // replaced since the read: a successor's
        return ReleaseResult::kSuccessorHolds;
      case CasResult::kAbsent:
        break;
    }
    return ReleaseResult::kAlreadyGone;
  });
}

bool MemcachedBackend::Locks::is_locked(std::string_view lock_key) {
  store_.check_key(lock_key);
  const std::string record_key = store_.wire_key(lock_key);
  return store_.on_servers([&] { return store_.driver_->get(record_key).has_value(); });
}

bool MemcachedBackend::Locks::may_write(std::string_view lock_key, std::uint64_t fencing_token) {
  const auto held = store_.driver_->get(store_.wire_key(lock_key));
  const std::optional<lock::LeaseRecord> lease =
      held ? std::optional(lock::decode_lease(held->value)) : std::nullopt;
  return lock::judge_locked_write(lease, fencing_token, store_.now()) ==
         lock::LockVerdict::kMayWrite;
}

LockedWriteResult MemcachedBackend::Locks::set_locked(std::string_view key, std::string_view value,
                                                      ExpiresAt expires_at,
                                                      std::string_view lock_key,
                                                      std::uint64_t fencing_token) {
  store_.check_key(key);
  store_.check_value(key, value);
  store_.check_key(lock_key);
  return store_.on_servers([&] {
    if (!may_write(lock_key, fencing_token)) return LockedWriteResult::kLockLost;
    store_.driver_->set(store_.wire_key(key), value, store_.expiry_for(expires_at));
    return LockedWriteResult::kApplied;
  });
}

LockedWriteResult MemcachedBackend::Locks::erase_locked(std::string_view key,
                                                        std::string_view lock_key,
                                                        std::uint64_t fencing_token) {
  store_.check_key(key);
  store_.check_key(lock_key);
  return store_.on_servers([&] {
    if (!may_write(lock_key, fencing_token)) return LockedWriteResult::kLockLost;
    return store_.driver_->erase(store_.wire_key(key)) ? LockedWriteResult::kApplied
                                                       : LockedWriteResult::kKeyAbsent;
  });
}

}  // namespace regionkv
