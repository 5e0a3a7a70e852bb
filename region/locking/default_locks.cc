#include "region/locking/default_locks.h"

#include <string>

#include "engine/fencing_reservation.h"

namespace regionkv::locking {
namespace {

// Where releases before 0.1's split of Backend kept the last token issued.
// The key was renamed because it is also the lock record key of a stored key
// "#fencing"; so only an 8-byte value there is taken for a counter.
constexpr std::string_view kPreviousFencingCounterKey = "_lock#fencing";

std::optional<std::uint64_t> load_counter_bound(Backend& backend) {
  const auto stored = backend.get(lock::kFencingCounterKey);
  if (!stored) {
    // A store written by an earlier release: continue above its last token.
    const auto previous = backend.get(kPreviousFencingCounterKey);
    return previous ? engine::decode_fencing_bound(*previous) : std::nullopt;
  }
  return engine::read_fencing_bound(backend.context().region_name(), *stored);
}

void persist_counter_bound(Backend& backend, std::uint64_t bound) {
  backend.set(lock::kFencingCounterKey, engine::encode_fencing_bound(bound), std::nullopt);
}

}  // namespace

DefaultLocks::DefaultLocks(Backend& backend)
    : backend_(backend),
      tokens_([&backend] { return load_counter_bound(backend); },
              [&backend](std::uint64_t bound) { persist_counter_bound(backend, bound); }),
      locks_(ValueRecords(backend_, stripes_), tokens_) {}

LockAttempt DefaultLocks::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  return locks_.try_lock(lock_key, terms);
}

ReleaseResult DefaultLocks::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  return locks_.unlock(lock_key, fencing_token);
}

LockedWriteResult DefaultLocks::set_locked(std::string_view key, std::string_view value,
                                           ExpiresAt expires_at, std::string_view lock_key,
                                           std::uint64_t fencing_token) {
  return locks_.set_locked(key, value, expires_at, lock_key, fencing_token);
}

LockedWriteResult DefaultLocks::erase_locked(std::string_view key, std::string_view lock_key,
                                             std::uint64_t fencing_token) {
  return locks_.erase_locked(key, lock_key, fencing_token);
}

bool DefaultLocks::is_locked(std::string_view lock_key) { return locks_.is_locked(lock_key); }

std::optional<lock::LeaseRecord> DefaultLocks::ValueRecords::lease(Section&,
                                                                   std::string_view lock_key) {
  // A spent lease has expired as a value, and reads as absent.
  const auto bytes = backend_.get(lock_key);
  if (!bytes) return std::nullopt;
  return lock::decode_lease(*bytes);
}

void DefaultLocks::ValueRecords::put_lease(Section&, std::string_view lock_key,
                                           const lock::LeaseRecord& lease) {
  backend_.set(lock_key, lock::encode_lease(lease), lease.ends());
}

void DefaultLocks::ValueRecords::erase_lease(Section&, std::string_view lock_key) {
  backend_.erase(lock_key);
}

void DefaultLocks::ValueRecords::put_value(Section&, std::string_view key, std::string_view value,
                                           ExpiresAt expires_at) {
  backend_.set(key, value, expires_at);
}

bool DefaultLocks::ValueRecords::erase_value(Section&, std::string_view key, TimePoint) {
  return backend_.erase(key);
}

}  // namespace regionkv::locking
