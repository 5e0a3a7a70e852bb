#include "regionkv/region.h"

#include <stdexcept>

#include "common/describe.h"
#include "common/fork_guard.h"
#include "common/region_counters.h"
#include "common/striped_mutex.h"
#include "common/unix_ms.h"
#include "common/xxh3_mangling.h"
#include "lock/lease_record.h"
#include "region/backend_registry.h"
#include "region/backends/backend_wiring.h"
#include "region/locking/default_locks.h"
#include "region/locking/region_locks.h"
#include "region/store_internals.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"
#include "regionkv/store.h"

namespace regionkv {

using std::chrono::milliseconds;

namespace {

// Durations beyond this are rejected: they would overflow time arithmetic.
constexpr milliseconds kLongestDuration = std::chrono::hours(24 * 365 * 100);

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

bool starts_with_lock_prefix(std::string_view key) {
  return key.substr(0, lock::kLockKeyPrefix.size()) == lock::kLockKeyPrefix;
}

// Why the backing store refused a locked write: its atomic step found
// another token, or the lock rule no longer allowing the write.
std::string lost_lock(const Lock& lock) {
  return ": the lock was lost: taken over, or its lease is (nearly) spent "
         "(fencing token " + std::to_string(lock.fencing_token()) + ")";
}

// The one place a stored key is made: `prefix` and the key as the region
// stores it (mangled, or raw with mangling off), held to the backing store's
// key size limit less the room a lock record's prefix takes. The default
// mangler's bare digest, the common case, is written into `digest`; anything
// else into `storage`. The result views one of the two.
std::string_view assemble_stored_key(std::string_view region_name, const RegionContext& context,
                                     const Backend& backend, std::string_view key,
                                     std::string_view prefix, char (&digest)[kXxh3MangledKeySize],
                                     std::string& storage) {
  if (key.empty())
    throw std::invalid_argument(common::describe_region(region_name) + ": empty key");
  std::string_view stored;
  if (context.uses_xxh3_key_mangler() && prefix.empty()) {
    write_xxh3_mangled_key(digest, key);
    stored = std::string_view(digest, kXxh3MangledKeySize);
  } else if (context.uses_xxh3_key_mangler()) {
    // No copy of the mangler, and the digest written straight after the
    // prefix (one allocation).
    storage.reserve(prefix.size() + kXxh3MangledKeySize);
    storage.append(prefix);
    append_xxh3_mangled_key(storage, key);
    stored = storage;
  } else {
    const KeyMangler mangler = context.key_mangler();
    const std::string mangled = mangler ? mangler(key) : std::string();
    const std::string_view as_stored = mangler ? std::string_view(mangled) : key;
    if (as_stored.empty())
      throw std::invalid_argument(common::describe_key(region_name, key) +
                                  ": the key mangler returned an empty key");
    // Lock records own that prefix: a stored key that starts with it could
    // be mistaken for one.
    if (starts_with_lock_prefix(as_stored))
      throw std::invalid_argument(common::describe_key(region_name, key) +
                                  (mangler
                                       ? ": the key mangler returned a key starting with '_lock'"
                                       : ": keys may not start with '_lock' while key "
                                         "mangling is disabled (lock records use it)"));
    storage.reserve(prefix.size() + as_stored.size());
    storage.append(prefix).append(as_stored);
    stored = storage;
  }
  const std::size_t size = stored.size() - prefix.size();
  const std::size_t limit = backend.max_key_size();
  if (size + lock::kLockKeyPrefix.size() > limit)
    throw std::invalid_argument(common::describe_key(region_name, key) + ": stored key of " +
                                std::to_string(size) +
                                " bytes is over the backing store's limit of " +
                                std::to_string(limit - lock::kLockKeyPrefix.size()));
  return stored;
}

}  // namespace

// What configure() builds, published once and then fixed. Members are
// destroyed bottom up: the locks go before the backends they use.
struct Region::Configured {
  // Where the region's figures are counted (RegionStats); first, so that it
  // outlives the locks that count into it.
  mutable common::RegionCounters counters;
  RegionConfig config;
  std::shared_ptr<RegionContext> context;
  std::unique_ptr<Backend> backend;  // outermost
  std::unique_ptr<LockBackend> default_locks;  // when the store has no locks of its own
  std::unique_ptr<locking::RegionLocks> locks;
  // Serialises get_or_create's creators when the region has locking off.
  mutable common::StripedMutex<64> creators;
  // Serialises changes of the mangler.
  mutable std::mutex mangling_mutex;
  // Every call through state() refuses in a forked child.
  common::ForkGuard fork_guard;
};

Region::Region(std::string name, Store& store)
    : name_(std::move(name)), store_(store) {}

Region::~Region() = default;

void Region::configure(RegionConfig config) {
  std::lock_guard guard(configure_mutex_);
  StoreInternals::refuse_if_forked(store_, "cannot configure " + common::describe_region(name_));
  if (owned_state_) throw ConfigError(common::describe_region(name_) + " is already configured");
  validate(config);

  // Proxies first: an unknown name must fail before the backing store is
  // built (the rocksdb store creates its column family).
  std::vector<std::unique_ptr<ProxyBackend>> proxies;
  for (const auto& name : config.proxies)
    proxies.push_back(registry::make_proxy(name, config));
  std::unique_ptr<Backend> backend =
      registry::make_backend(registry::BackendContext{config, name_, store_});
  for (auto it = proxies.rbegin(); it != proxies.rend(); ++it) {
    internal::BackendWiring::wrap(**it, std::move(backend));
    backend = std::move(*it);
  }

  auto state = std::make_unique<Configured>();
  state->context = std::make_shared<RegionContext>(name_, store_.time_source());
  internal::BackendWiring::attach(*backend, state->context);
  state->backend = std::move(backend);
  change_mangling(*state, effective_mangler(config, *state->backend), config.no_expiry_keys);

  LockBackend* locks = state->backend->native_locks();
  if (locks == nullptr) {
    state->default_locks = std::make_unique<locking::DefaultLocks>(*state->backend);
    locks = state->default_locks.get();
  }
  state->locks = std::make_unique<locking::RegionLocks>(
      locking::RegionLocks::Settings{name_, config.locking, config.lock_timeout,
                                     config.max_lock_attempts, store_.time_source()},
      *locks, state->counters);
  state->config = std::move(config);
  owned_state_ = std::move(state);
  state_.store(owned_state_.get(), std::memory_order_release);
}

bool Region::configured() const {
  return state_.load(std::memory_order_acquire) != nullptr;
}

const Region::Configured& Region::state() const {
  const Configured* state = state_.load(std::memory_order_acquire);
  if (!state)
    throw ConfigError(common::describe_region(name_) +
                      " is not configured; call configure() first");
  if (state->fork_guard.inherited()) state->fork_guard.refuse(common::describe_region(name_));
  return *state;
}

const RegionConfig& Region::config() const { return state().config; }

std::string Region::describe(std::string_view key) const {
  return common::describe_key(name_, key);
}

std::string Region::stored_key(const Configured& state, std::string_view key,
                               std::string_view prefix) const {
  char digest[kXxh3MangledKeySize];
  std::string storage;
  const std::string_view stored =
      assemble_stored_key(name_, *state.context, *state.backend, key, prefix, digest, storage);
  return stored.data() == storage.data() ? std::move(storage) : std::string(stored);
}

ExpiresAt Region::expiry_for(const Configured& state, std::string_view stored_key) const {
  if (!state.config.expire_time || state.context->is_no_expiry_key(stored_key))
    return std::nullopt;
  return common::add_saturating(state.context->now(), *state.config.expire_time);
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

namespace {

// Calls `use` with the stored key of `key`, built on the stack when it is
// the bare default-mangled digest (no allocation on the paths of find and set).
template <typename Use>
decltype(auto) with_stored_key(std::string_view region_name, const RegionContext& context,
                               const Backend& backend, std::string_view key, Use&& use) {
  char digest[kXxh3MangledKeySize];
  std::string storage;
  return use(assemble_stored_key(region_name, context, backend, key, {}, digest, storage));
}

}  // namespace

std::optional<std::string> Region::find(std::string_view key) const {
  const Configured& s = state();
  std::optional<std::string> value =
      with_stored_key(name_, *s.context, *s.backend, key,
                      [&](std::string_view stored) { return s.backend->get(stored); });
  s.counters.add(value ? common::RegionCounters::kHits : common::RegionCounters::kMisses);
  return value;
}

std::vector<std::string> Region::get_multi(const std::vector<std::string>& keys) const {
  const Configured& s = state();
  std::vector<std::string> stored;
  stored.reserve(keys.size());
  for (const auto& key : keys) stored.push_back(stored_key(s, key));
  auto values = s.backend->get_multi(stored);
  std::string missing;
  std::uint64_t misses = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (values[i]) continue;
    missing += (missing.empty() ? "'" : ", '") + printable(keys[i]) + "'";
    ++misses;
  }
  s.counters.add(common::RegionCounters::kHits, keys.size() - misses);
  s.counters.add(common::RegionCounters::kMisses, misses);
  if (!missing.empty())
    throw NotFound(common::describe_region(name_) + ": keys not found: " + missing);
  std::vector<std::string> result;
  result.reserve(values.size());
  for (auto& value : values) result.push_back(std::move(*value));
  return result;
}

void Region::set(std::string_view key, std::string_view value) {
  const Configured& s = state();
  with_stored_key(name_, *s.context, *s.backend, key, [&](std::string_view stored) {
    check_value(s, key, value);
    s.backend->set(stored, value, expiry_for(s, stored));
  });
  s.counters.add(common::RegionCounters::kWrites);
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
  if (writes.empty()) return;
  s.backend->set_multi(writes);
  s.counters.add(common::RegionCounters::kWrites, writes.size());
}

void Region::erase(std::string_view key) {
  const Configured& s = state();
  if (!s.backend->erase(stored_key(s, key)))
    throw NotFound(describe(key) + ": not found");
  s.counters.add(common::RegionCounters::kDeletes);
}

void Region::erase_multi(const std::vector<std::string>& keys) {
  const Configured& s = state();
  std::vector<std::string> stored;
  stored.reserve(keys.size());
  for (const auto& key : keys) stored.push_back(stored_key(s, key));
  if (stored.empty()) return;
  s.backend->erase_multi(stored);
  s.counters.add(common::RegionCounters::kDeletes, stored.size());
}

void Region::set(std::string_view key, std::string_view value, const Lock& lock) {
  const Configured& s = state();
  const std::string stored = stored_key(s, key);
  check_value(s, key, value);
  if (!s.locks->admit_locked_write(lock, key)) {
    s.backend->set(stored, value, expiry_for(s, stored));
  } else if (s.locks->set_locked(lock, stored, value, expiry_for(s, stored)) ==
             LockedWriteResult::kLockLost) {
    throw LockTimeout(describe(key) + lost_lock(lock));
  }
  s.counters.add(common::RegionCounters::kWrites);
}

void Region::erase(std::string_view key, const Lock& lock) {
  const Configured& s = state();
  const std::string stored = stored_key(s, key);
  if (!s.locks->admit_locked_write(lock, key)) {
    if (!s.backend->erase(stored)) throw NotFound(describe(key) + ": not found");
  } else {
    switch (s.locks->erase_locked(lock, stored)) {
      case LockedWriteResult::kApplied:
        break;
      case LockedWriteResult::kKeyAbsent:
        throw NotFound(describe(key) + ": not found");
      case LockedWriteResult::kLockLost:
        throw LockTimeout(describe(key) + lost_lock(lock));
    }
  }
  s.counters.add(common::RegionCounters::kDeletes);
}

Lock Region::get_lock(std::string_view key) { return get_lock(key, WaitCheck()); }

Lock Region::get_lock(std::string_view key, const WaitCheck& check) {
  const Configured& s = state();
  return s.locks->acquire(key, stored_key(s, key, lock::kLockKeyPrefix), check);
}

bool Region::is_locked(std::string_view key) const {
  const Configured& s = state();
  return s.locks->is_locked(stored_key(s, key, lock::kLockKeyPrefix));
}

std::string Region::get_or_create(std::string_view key,
                                  const std::function<std::string()>& creator) {
  return get_or_create(key, creator, WaitCheck());
}

std::string Region::get_or_create(std::string_view key, const std::function<std::string()>& creator,
                                  const WaitCheck& check) {
  if (auto value = find(key)) return std::move(*value);
  const Configured& s = state();
  // With locking off the store lock excludes no one, so creators in this
  // process queue on an in-process mutex instead.
  std::unique_lock<std::mutex> local;
  if (!s.config.locking) local = std::unique_lock(s.creators.for_key(key));
  Lock lock = get_lock(key, check);
  if (auto value = find(key)) return std::move(*value);
  std::string value = creator();
  set(key, value, lock);
  return value;
}

Backend& Region::backend() { return *state().backend; }

RegionStats Region::stats() const {
  RegionStats stats;
  stats.name = name_;
  const Configured* s = state_.load(std::memory_order_acquire);
  if (s == nullptr) return stats;
  using C = common::RegionCounters;
  const auto count = [&](C::Counter counter) { return s->counters.read(counter); };
  stats.backing_store = s->config.backing_store;
  stats.hits = count(C::kHits);
  stats.misses = count(C::kMisses);
  stats.expired_hidden = s->context->expired_reads();
  stats.writes = count(C::kWrites);
  stats.deletes = count(C::kDeletes);
  stats.locks_granted = count(C::kLocksGranted);
  stats.lock_waits = count(C::kLockWaits);
  stats.lock_wait_time = std::chrono::microseconds(count(C::kLockWaitMicros));
  stats.lock_unavailable = count(C::kLockUnavailable);
  stats.lock_timeouts = count(C::kLockTimeouts);
  stats.lock_takeovers = count(C::kLockTakeovers);
  stats.releases_found_successor = count(C::kReleasesFoundSuccessor);
  stats.servers = s->backend->server_stats();
  return stats;
}

LockBackend& Region::lock_backend() { return state().locks->backend(); }

KeyMangler Region::key_mangler() const { return state().context->key_mangler(); }

void Region::set_key_mangler(KeyMangler mangler) {
  const Configured& s = state();
  std::lock_guard serial(s.mangling_mutex);
  change_mangling(s, std::move(mangler), s.context->raw_no_expiry_keys());
}

void Region::set_no_expiry_keys(std::set<std::string> raw_keys) {
  const Configured& s = state();
  std::lock_guard serial(s.mangling_mutex);
  change_mangling(s, s.context->key_mangler(), std::move(raw_keys));
}

void Region::change_mangling(const Configured& state, KeyMangler mangler,
                             std::set<std::string> raw_no_expiry_keys) {
  internal::BackendWiring::change_mangling(*state.backend, *state.context, std::move(mangler),
                                           std::move(raw_no_expiry_keys));
}

}  // namespace regionkv
