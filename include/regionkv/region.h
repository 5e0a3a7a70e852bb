// A named keyspace of a Store with its own backing store, key mangling,
// locking and expiry (the seed's KeyValueStore, from get_key_value_store).
#ifndef REGIONKV_REGION_H_
#define REGIONKV_REGION_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/backend.h"
#include "regionkv/key_mangler.h"
#include "regionkv/lock.h"
#include "regionkv/region_config.h"
#include "regionkv/stats.h"

namespace regionkv {

class Store;

// Thread-safe. Obtained from Store::region(), which returns the same object
// for a name every time; it lives as long as the Store.
//
// Every data call throws ConfigError until configure() has run, NotFound
// where documented, std::invalid_argument for an empty key, a key starting
// with "_lock" while mangling is disabled, or a key or value over the backing
// store's limit. A call that throws has changed nothing that was stored.
class Region {
 public:
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;
  ~Region();

  const std::string& name() const { return name_; }

  // Builds the backing store and its proxies. Exactly once: a second call
  // throws ConfigError. Unknown backing stores or proxies, max_lock_attempts
  // < 1, a negative lock_timeout or a non-positive expire_time throw
  // std::invalid_argument and leave the region unconfigured.
  void configure(RegionConfig config);
  bool configured() const;
  // REQUIRES: configured().
  const RegionConfig& config() const;

  // The live value; NotFound if absent or expired.
  std::string get(std::string_view key) const;
  // The live value, or nullopt.
  std::optional<std::string> find(std::string_view key) const;
  // Values in key order; NotFound listing every missing key.
  std::vector<std::string> get_multi(const std::vector<std::string>& keys) const;

  void set(std::string_view key, std::string_view value);
  // Writes only while `lock` holds: std::invalid_argument if it is for
  // another key or region or was released; LockTimeout if its lease is
  // (nearly) spent or another holder took the lock over.
  void set(std::string_view key, std::string_view value, const Lock& lock);
  // Atomic on the rocksdb and memory stores; on memcached a failure part
  // way leaves the earlier items written (memcached.h). Never locks.
  void set_multi(const std::map<std::string, std::string>& items);

  // NotFound if absent or expired.
  void erase(std::string_view key);
  void erase(std::string_view key, const Lock& lock);
  // Idempotent; never locks; absent keys are skipped.
  void erase_multi(const std::vector<std::string>& keys);

  // Takes the key's lock: at most max_lock_attempts attempts, with jittered
  // backoff between them that never sleeps past the holder's lease; a release
  // in this process wakes waiters at once. Then LockUnavailable.
  Lock get_lock(std::string_view key);
  // The same, with `check` called while it waits (lock.h): what `check`
  // throws, get_lock throws, holding nothing.
  Lock get_lock(std::string_view key, const WaitCheck& check);

  // Whether someone holds the key's lock now: this process or another, a
  // Lock of this Region or of another Region on the same records (another
  // store's, on redis or memcached). True while a lock record is there
  // whose lease has not run out, so that a get_lock would wait for it. It
  // takes nothing and writes nothing; the answer may be out of date as soon
  // as it returns. Always false with locking off. The store judges the
  // lease: rocksdb and memory by the store's clock, redis and memcached by
  // their servers' (memcached: up to 1 s after the lease's end; a release
  // in another process is seen a moment later). Throws as a read does.
  bool is_locked(std::string_view key) const;

  // The live value; otherwise takes the key's lock, reads again and only if
  // still absent calls `creator` once, stores its result and returns it.
  std::string get_or_create(std::string_view key,
                            const std::function<std::string()>& creator);
  // The same, with `check` called while it waits for the key's lock
  // (lock.h): what `check` throws, get_or_create throws, having neither
  // called `creator` nor stored anything.
  std::string get_or_create(std::string_view key, const std::function<std::string()>& creator,
                            const WaitCheck& check);

  // What this process did with the region (include/regionkv/stats.h); only
  // the name until configured. Thread-safe; a snapshot of counters that go
  // on moving.
  RegionStats stats() const;

  // The outermost backend: the first proxy, if any. Throws ConfigError
  // until configured.
  Backend& backend();
  // What the region's locks go through: the backing store's own
  // (Backend::native_locks()), or the default locks over it. Throws
  // ConfigError until configured.
  LockBackend& lock_backend();
  // The effective mangler; empty when mangling is disabled.
  KeyMangler key_mangler() const;
  // Replaces the mangler of the region and its backend (rehashing the
  // no-expiry keys). Keys already stored under the old mangler stay there.
  void set_key_mangler(KeyMangler mangler);
  // Replaces RegionConfig::no_expiry_keys: from now on these raw keys never
  // expire, including values written before they joined the set.
  void set_no_expiry_keys(std::set<std::string> raw_keys);

 private:
  friend class Store;
  struct Configured;

  Region(std::string name, Store& store);
  const Configured& state() const;
  // `prefix` + the key as the backend stores it; throws
  // std::invalid_argument for a key the region cannot store: empty, too
  // long, or stored as one starting with "_lock".
  std::string stored_key(const Configured& state, std::string_view key,
                         std::string_view prefix = {}) const;
  ExpiresAt expiry_for(const Configured& state, std::string_view stored_key) const;
  void check_value(const Configured& state, std::string_view key,
                   std::string_view value) const;
  // Makes `mangler` and `raw_no_expiry_keys` the region's, through the
  // backend's hook. REQUIRES: state.mangling_mutex held, or configure().
  static void change_mangling(const Configured& state, KeyMangler mangler,
                              std::set<std::string> raw_no_expiry_keys);
  std::string describe(std::string_view key) const;

  const std::string name_;
  Store& store_;
  std::mutex configure_mutex_;
  std::unique_ptr<Configured> owned_state_;  // guarded by configure_mutex_
  std::atomic<const Configured*> state_{nullptr};  // published once, then fixed
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_H_
