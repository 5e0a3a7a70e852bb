// Locks on the memory store: compare-and-set on the lock entry at
// "_lock" + key, each step under one hold of the map's mutex. The same
// semantics as the RocksDB store (leases, fencing tokens, takeover, the time
// rule), minus durability.
#include "engine/record.h"
#include "lock/lease_record.h"
#include "regionkv/memory_backend.h"

namespace regionkv {

bool MemoryBackend::lock_allows_write(std::string_view lock_key,
                                      std::uint64_t fencing_token,
                                      TimePoint now) const {
  auto it = entries_.find(lock_key);
  return it != entries_.end() && it->second.fencing_token == fencing_token &&
         lock::lease_allows_write(it->second.expires_at, now);
}

LockAttempt MemoryBackend::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  const lock::LeaseRecord lease{0, common::truncate_to_ms(terms.now), terms.lease};
  const ExpiresAt lease_ends = lease.ends();
  std::lock_guard lock(mutex_);
  auto it = entries_.lower_bound(lock_key);
  const bool present = it != entries_.end() && it->first == lock_key;
  if (present) {
    const ExpiresAt& holder_ends = it->second.expires_at;
    // A lease is live until it ends; the no-expiry set is about values only.
    if (!holder_ends || terms.now < *holder_ends) return LockAttempt{std::nullopt, holder_ends};
  }
  // Drawn under the mutex, so grants of one key carry increasing tokens in
  // the order they are made.
  const std::uint64_t token = ++last_fencing_token_;
  if (present)
    it->second = Entry{std::string(), lease_ends, token};
  else
    entries_.emplace_hint(it, std::string(lock_key), Entry{std::string(), lease_ends, token});
  return LockAttempt{LockGrant{token, lease.acquired_at}, std::nullopt};
}

void MemoryBackend::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(lock_key);
  // Only our own record, live or spent; another holder's stays.
  if (it != entries_.end() && it->second.fencing_token == fencing_token) entries_.erase(it);
}

LockedWriteResult MemoryBackend::set_locked(std::string_view key, std::string_view value,
                                            ExpiresAt expires_at,
                                            std::string_view lock_key,
                                            std::uint64_t fencing_token) {
  const TimePoint now = this->now();
  Entry entry{std::string(value), expires_at};
  std::lock_guard lock(mutex_);
  if (!lock_allows_write(lock_key, fencing_token, now)) return LockedWriteResult::kLockLost;
  entries_.insert_or_assign(std::string(key), std::move(entry));
  return LockedWriteResult::kApplied;
}

LockedWriteResult MemoryBackend::erase_locked(std::string_view key,
                                              std::string_view lock_key,
                                              std::uint64_t fencing_token) {
  const TimePoint now = this->now();
  std::lock_guard lock(mutex_);
  if (!lock_allows_write(lock_key, fencing_token, now)) return LockedWriteResult::kLockLost;
  auto it = entries_.find(key);
  if (it == entries_.end()) return LockedWriteResult::kKeyAbsent;
  const bool was_live = live(key, it->second, now);
  entries_.erase(it);
  return was_live ? LockedWriteResult::kApplied : LockedWriteResult::kKeyAbsent;
}

std::optional<std::uint64_t> MemoryBackend::lock_record_token(
    std::string_view lock_key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(lock_key);
  if (it == entries_.end() || it->second.fencing_token == 0) return std::nullopt;
  return it->second.fencing_token;
}

}  // namespace regionkv
