// The default lock implementation of Backend, for backing stores that only
// implement values (custom backends such as the seed's fixture).
//
// A lease record is stored as an ordinary value at the lock key, expiring
// when the lease runs out, so an expired lease reads as absent. A per-key
// stripe of an in-process mutex makes each read-check-write atomic; a custom
// backend shared by several processes must override these calls.

#include <string>

#include "common/little_endian.h"
#include "engine/record.h"
#include "lock/lease_record.h"
#include "common/striped_mutex.h"
#include "regionkv/backend.h"
#include "regionkv/errors.h"

namespace regionkv {

struct Backend::DefaultLockState {
  common::StripedMutex<256> stripes;
  std::mutex fencing_mutex;  // serialises the counter's read-modify-write
};

namespace {

// Where the default implementation keeps the region's fencing counter.
constexpr std::string_view kFencingCounterKey = "_lock#fencing";

std::optional<lock::LeaseRecord> current_lease(Backend& backend,
                                               std::string_view lock_key) {
  const auto bytes = backend.get(lock_key);
  if (!bytes) return std::nullopt;
  return lock::decode_lease(*bytes);
}

bool carries(Backend& backend, std::string_view lock_key, std::uint64_t token) {
  const auto lease = current_lease(backend, lock_key);
  return lease && lease->fencing_token == token;
}

// The record carries `token` and its holder may still write (the time rule).
bool allows_write(Backend& backend, std::string_view lock_key, std::uint64_t token) {
  const auto lease = current_lease(backend, lock_key);
  return lease && lease->fencing_token == token && lease->allows_write_at(backend.now());
}

}  // namespace

Backend::Backend() : default_lock_state_(std::make_shared<DefaultLockState>()) {}

Backend::DefaultLockState& Backend::default_lock_state() {
  return *default_lock_state_;
}

LockAttempt Backend::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  DefaultLockState& state = default_lock_state();
  std::lock_guard guard(state.stripes.for_key(lock_key));
  if (const auto holder = current_lease(*this, lock_key))
    return LockAttempt{std::nullopt, holder->ends()};

  std::uint64_t token = 0;
  {
    std::lock_guard fencing(state.fencing_mutex);
    const auto stored = get(kFencingCounterKey);
    if (stored && stored->size() != 8)
      throw Corruption("corrupt fencing counter: " + std::to_string(stored->size()) +
                       " bytes");
    token = (stored ? common::read_u64(*stored, 0) : 0) + 1;
    std::string bytes;
    common::append_u64(bytes, token);
    set(kFencingCounterKey, bytes, std::nullopt);
  }
  lock::LeaseRecord lease{token, common::truncate_to_ms(terms.now), terms.lease};
  set(lock_key, lock::encode_lease(lease), lease.ends());
  return LockAttempt{LockGrant{token, lease.acquired_at}, std::nullopt};
}

void Backend::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  std::lock_guard guard(default_lock_state().stripes.for_key(lock_key));
  if (carries(*this, lock_key, fencing_token)) erase(lock_key);
}

LockedWriteResult Backend::set_locked(std::string_view key, std::string_view value,
                                      ExpiresAt expires_at,
                                      std::string_view lock_key,
                                      std::uint64_t fencing_token) {
  std::lock_guard guard(default_lock_state().stripes.for_key(lock_key));
  if (!allows_write(*this, lock_key, fencing_token)) return LockedWriteResult::kLockLost;
  set(key, value, expires_at);
  return LockedWriteResult::kApplied;
}

LockedWriteResult Backend::erase_locked(std::string_view key,
                                        std::string_view lock_key,
                                        std::uint64_t fencing_token) {
  std::lock_guard guard(default_lock_state().stripes.for_key(lock_key));
  if (!allows_write(*this, lock_key, fencing_token)) return LockedWriteResult::kLockLost;
  return erase(key) ? LockedWriteResult::kApplied : LockedWriteResult::kKeyAbsent;
}

}  // namespace regionkv
