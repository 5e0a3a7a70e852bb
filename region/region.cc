#include "regionkv/region.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <thread>

#include "regionkv/printable.h"
#include "engine/record.h"
#include "lock/lease_record.h"
#include "lock/lock_waiters.h"
#include "common/striped_mutex.h"
#include "region/backend_registry.h"
#include "common/xxh3_mangling.h"
#include "regionkv/errors.h"
#include "regionkv/store.h"

namespace regionkv {

using std::chrono::milliseconds;

namespace {

// A locked write must finish this long before lock_timeout is reached, and
// the lease is this much longer than lock_timeout (the seed's 1-second
// overlap).
using lock::kLeaseMargin;
// Durations beyond this are rejected: they would overflow time arithmetic.
constexpr milliseconds kLongestDuration = std::chrono::hours(24 * 365 * 100);
// Backoff between lock attempts: doubling from kFirstBackoff up to
// kLongestBackoff, so 15 attempts span about one default lease.
constexpr milliseconds kFirstBackoff{1};
constexpr milliseconds kLongestBackoff{1000};

KeyMangler effective_mangler(const RegionConfig& config, const Backend& backend) {
  if (!config.enable_key_mangler) return {};
  KeyMangler native = backend.native_key_mangler();
  if (backend.use_backend_key_mangler() && native) return native;
  if (config.key_mangler) return config.key_mangler;
  if (native) return native;
  return xxh3_key_mangler();
}

void validate(const RegionConfig& config) {
  if (config.max_lock_attempts < 1)
    throw std::invalid_argument("max_lock_attempts must be at least 1, got " +
                                std::to_string(config.max_lock_attempts));
  if (config.lock_timeout.count() < 0 || config.lock_timeout > kLongestDuration)
    throw std::invalid_argument("lock_timeout must be between 0 and 100 years");
  if (config.expire_time &&
      (config.expire_time->count() <= 0 || *config.expire_time > kLongestDuration))
    throw std::invalid_argument("expire_time must be positive and at most 100 years");
}

// Why the backing store refused a locked write: its atomic step found
// another token, or the time rule no longer holding.
std::string lost_lock(const Lock& lock) {
  return ": the lock was lost: taken over, or its lease is (nearly) spent "
         "(fencing token " + std::to_string(lock.fencing_token()) + ")";
}

std::chrono::nanoseconds jittered_backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const milliseconds base = std::min<milliseconds>(
      kFirstBackoff * (std::int64_t{1} << std::min(attempt, 20)), kLongestBackoff);
  // Uniform in [base/2, base * 3/2): spreads waiters that failed together.
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(base).count();
  std::uniform_int_distribution<long long> spread(nanos / 2, nanos + nanos / 2);
  return std::chrono::nanoseconds(spread(random));
}

}  // namespace

struct Region::Configured {
  RegionConfig config;
  std::unique_ptr<Backend> backend;  // outermost
  milliseconds lease{0};             // 0: never runs out
  mutable lock::LockWaiters waiters;
  // Serialises get_or_create's creators when the region has locking off.
  mutable common::StripedMutex<64> creators;
};

Region::Region(std::string name, Store& store)
    : name_(std::move(name)), store_(store) {}

Region::~Region() = default;

void Region::configure(RegionConfig config) {
  std::lock_guard guard(configure_mutex_);
  if (owned_state_)
    throw ConfigError("region '" + name_ + "' is already configured");
  validate(config);

  // Proxies first: an unknown name must fail before the backing store is
  // built (the rocksdb store creates its column family).
  std::vector<std::unique_ptr<ProxyBackend>> proxies;
  for (const auto& name : config.proxies)
    proxies.push_back(registry::make_proxy(name, config));
  std::unique_ptr<Backend> backend =
      registry::make_backend(registry::BackendContext{config, name_, store_});
  for (auto it = proxies.rbegin(); it != proxies.rend(); ++it) {
    (*it)->wrap(std::move(backend));
    backend = std::move(*it);
  }

  backend->adopt_time_source(store_.time_source());
  backend->set_key_mangler(effective_mangler(config, *backend));
  backend->set_no_expiry_keys(config.no_expiry_keys);

  auto state = std::make_unique<Configured>();
  state->lease = lock::lease_for(config.lock_timeout);
  state->config = std::move(config);
  state->backend = std::move(backend);
  owned_state_ = std::move(state);
  state_.store(owned_state_.get(), std::memory_order_release);
}

bool Region::configured() const {
  return state_.load(std::memory_order_acquire) != nullptr;
}

const Region::Configured& Region::state() const {
  const Configured* state = state_.load(std::memory_order_acquire);
  if (!state)
    throw ConfigError("region '" + name_ + "' is not configured; call configure() first");
  return *state;
}

const RegionConfig& Region::config() const { return state().config; }

std::string Region::describe(std::string_view key) const {
  return "region '" + name_ + "', key '" + printable(key) + "'";
}

std::string Region::stored_key(const Configured& state, std::string_view key,
                               std::string_view prefix) const {
  if (key.empty())
    throw std::invalid_argument("region '" + name_ + "': empty key");
  std::string stored;
  if (state.backend->uses_xxh3_key_mangler()) {
    // The default mangler, the common case: no copy of the mangler, and the
    // digest written straight after the prefix (one allocation).
    stored.reserve(prefix.size() + kXxh3MangledKeySize);
    stored.append(prefix);
    append_xxh3_mangled_key(stored, key);
  } else {
    const KeyMangler mangler = state.backend->key_mangler();
    if (!mangler) {
      if (key.substr(0, lock::kLockKeyPrefix.size()) == lock::kLockKeyPrefix)
        throw std::invalid_argument(describe(key) +
                                    ": keys may not start with '_lock' while key "
                                    "mangling is disabled (lock records use it)");
      stored.reserve(prefix.size() + key.size());
      stored.append(prefix).append(key);
    } else {
      const std::string mangled = mangler(key);
      if (mangled.empty())
        throw std::invalid_argument(describe(key) + ": the key mangler returned an empty key");
      stored.reserve(prefix.size() + mangled.size());
      stored.append(prefix).append(mangled);
    }
  }
  const std::size_t size = stored.size() - prefix.size();
  const std::size_t limit = state.backend->max_key_size();
  if (size + lock::kLockKeyPrefix.size() > limit)
    throw std::invalid_argument(describe(key) + ": stored key of " + std::to_string(size) +
                                " bytes is over the backing store's limit of " +
                                std::to_string(limit - lock::kLockKeyPrefix.size()));
  return stored;
}

ExpiresAt Region::expiry_for(const Configured& state, std::string_view stored_key) const {
  if (!state.config.expire_time || state.backend->is_no_expiry_key(stored_key))
    return std::nullopt;
  return common::add_saturating(store_.time_source()->now(), *state.config.expire_time);
}

void Region::check_value(const Configured& state, std::string_view key,
                         std::string_view value) const {
  const std::size_t limit = state.backend->max_value_size();
  if (value.size() > limit)
    throw std::invalid_argument(describe(key) + ": value of " +
                                std::to_string(value.size()) +
                                " bytes is over the backing store's limit of " +
                                std::to_string(limit));
}

std::string Region::get(std::string_view key) const {
  if (auto value = find(key)) return std::move(*value);
  throw NotFound(describe(key) + ": not found");
}

std::optional<std::string> Region::find(std::string_view key) const {
  const Configured& s = state();
  return s.backend->get(stored_key(s, key));
}

std::vector<std::string> Region::get_multi(const std::vector<std::string>& keys) const {
  const Configured& s = state();
  std::vector<std::string> stored;
  stored.reserve(keys.size());
  for (const auto& key : keys) stored.push_back(stored_key(s, key));
  auto values = s.backend->get_multi(stored);
  std::string missing;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!values[i]) missing += (missing.empty() ? "'" : ", '") + printable(keys[i]) + "'";
  }
  if (!missing.empty())
    throw NotFound("region '" + name_ + "': keys not found: " + missing);
  std::vector<std::string> result;
  result.reserve(values.size());
  for (auto& value : values) result.push_back(std::move(*value));
  return result;
}

void Region::set(std::string_view key, std::string_view value) {
  const Configured& s = state();
  const std::string stored = stored_key(s, key);
  check_value(s, key, value);
  s.backend->set(stored, value, expiry_for(s, stored));
}

void Region::set_multi(const std::map<std::string, std::string>& items) {
  const Configured& s = state();
  std::vector<WriteItem> writes;
  writes.reserve(items.size());
  // Validate everything before writing anything.
  for (const auto& [key, value] : items) {
    std::string stored = stored_key(s, key);
    check_value(s, key, value);
    ExpiresAt expires_at = expiry_for(s, stored);
    writes.push_back(WriteItem{std::move(stored), value, expires_at});
  }
  if (!writes.empty()) s.backend->set_multi(writes);
}

void Region::erase(std::string_view key) {
  const Configured& s = state();
  if (!s.backend->erase(stored_key(s, key)))
    throw NotFound(describe(key) + ": not found");
}

void Region::erase_multi(const std::vector<std::string>& keys) {
  const Configured& s = state();
  std::vector<std::string> stored;
  stored.reserve(keys.size());
  for (const auto& key : keys) stored.push_back(stored_key(s, key));
  if (!stored.empty()) s.backend->erase_multi(stored);
}

bool Region::check_lock(const Configured& s, const Lock& lock,
                        std::string_view key) const {
  if (lock.region_ != this)
    throw std::invalid_argument(describe(key) + ": the lock belongs to " +
                                (lock.region_ ? "region '" + lock.region_->name_ + "'"
                                              : std::string("no region (released)")));
  if (lock.key_ != key)
    throw std::invalid_argument(describe(key) + ": the lock is for key '" +
                                printable(lock.key_) + "'");
  if (!s.config.locking) return false;
  if (s.config.lock_timeout.count() > 0) {
    const TimePoint now = store_.time_source()->now();
    if (common::add_saturating(now, kLeaseMargin) >
        common::add_saturating(lock.acquired_at_, s.config.lock_timeout))
      throw LockTimeout(describe(key) + ": the lock's lease is (nearly) spent");
  }
  return true;
}

void Region::set(std::string_view key, std::string_view value, const Lock& lock) {
  const Configured& s = state();
  const std::string stored = stored_key(s, key);
  check_value(s, key, value);
  if (!check_lock(s, lock, key)) return s.backend->set(stored, value, expiry_for(s, stored));
  if (s.backend->set_locked(stored, value, expiry_for(s, stored), lock.record_key_,
                            lock.fencing_token_) == LockedWriteResult::kLockLost)
    throw LockTimeout(describe(key) + lost_lock(lock));
}

void Region::erase(std::string_view key, const Lock& lock) {
  const Configured& s = state();
  const std::string stored = stored_key(s, key);
  if (!check_lock(s, lock, key)) {
    if (!s.backend->erase(stored)) throw NotFound(describe(key) + ": not found");
    return;
  }
  switch (s.backend->erase_locked(stored, lock.record_key_, lock.fencing_token_)) {
    case LockedWriteResult::kApplied:
      return;
    case LockedWriteResult::kKeyAbsent:
      throw NotFound(describe(key) + ": not found");
    case LockedWriteResult::kLockLost:
      throw LockTimeout(describe(key) + lost_lock(lock));
  }
}

Lock Region::get_lock(std::string_view key) {
  const Configured& s = state();
  std::string record_key = stored_key(s, key, lock::kLockKeyPrefix);
  const auto& clock = store_.time_source();
  if (!s.config.locking)
    return Lock(this, std::string(key), std::move(record_key),
                common::truncate_to_ms(clock->now()), 0);

  // Registered as a waiter from the first failed attempt on, so that the
  // uncontended path stays free of shared writes (lock/lock_waiters.h).
  std::optional<lock::LockWaiters::Ticket> waiting;
  for (int attempt = 0;; ++attempt) {
    std::uint64_t generation = waiting ? waiting->generation() : 0;
    const LockAttempt result =
        s.backend->try_lock(record_key, LeaseTerms{clock->now(), s.lease});
    if (result.grant)
      return Lock(this, std::string(key), std::move(record_key),
                  result.grant->acquired_at, result.grant->fencing_token);
    if (attempt + 1 >= s.config.max_lock_attempts) break;
    if (!waiting) {
      waiting.emplace(s.waiters.enter(record_key));
      generation = waiting->generation();
    }

    std::chrono::nanoseconds pause = jittered_backoff(attempt);
    if (result.holder_lease_ends) {
      // Never sleep past the moment the holder's lease runs out.
      const auto remaining = *result.holder_lease_ends - clock->now();
      pause = std::max(std::chrono::nanoseconds(0),
                       std::min(pause, std::chrono::duration_cast<std::chrono::nanoseconds>(remaining)));
    }
    waiting->wait(generation, pause);
  }
  throw LockUnavailable(describe(key) + ": maximum lock attempts (" +
                        std::to_string(s.config.max_lock_attempts) + ") reached");
}

void Region::release(Lock& lock) {
  const Configured& s = state();
  if (!s.config.locking) return;
  s.backend->unlock(lock.record_key_, lock.fencing_token_);
  s.waiters.notify(lock.record_key_);
}

std::string Region::get_or_create(std::string_view key,
                                  const std::function<std::string()>& creator) {
  if (auto value = find(key)) return std::move(*value);
  const Configured& s = state();
  // With locking off the store lock excludes no one, so creators in this
  // process queue on an in-process mutex instead.
  std::unique_lock<std::mutex> local;
  if (!s.config.locking) local = std::unique_lock(s.creators.for_key(key));
  Lock lock = get_lock(key);
  if (auto value = find(key)) return std::move(*value);
  std::string value = creator();
  set(key, value, lock);
  return value;
}

Backend& Region::backend() { return *state().backend; }

KeyMangler Region::key_mangler() const { return state().backend->key_mangler(); }

void Region::set_key_mangler(KeyMangler mangler) {
  state().backend->set_key_mangler(std::move(mangler));
}

}  // namespace regionkv
