// The storage interface a backing store implements, and the proxy that wraps
// one.
//
// A Region talks to exactly one Backend: the outermost proxy if the region
// has proxies, else the store itself. Every key a Backend sees is already
// mangled (or raw, with mangling disabled) and never empty. Values are opaque
// bytes.
//
// To add a backing store, derive from Backend (or from MemoryBackend), give it
// a constructor taking the RegionConfig, and register a factory with
// register_backend(). Only get, set and erase are required. Locks need
// nothing more: the region takes them through its default locks, which keep
// each lock record as a value of this store ("_lock" + key, expiring when its
// lease runs out), correct within one process. A store shared by several
// processes or machines implements the lock interface (lock_backend.h)
// natively and returns it from native_locks(). docs/custom_backends.md has a
// complete example.
//
// Thread-safety: a Backend is called from many threads at once; implementations
// must be thread-safe.
#ifndef REGIONKV_BACKEND_H_
#define REGIONKV_BACKEND_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/key_mangler.h"
#include "regionkv/lock_backend.h"
#include "regionkv/region_config.h"
#include "regionkv/region_context.h"
#include "regionkv/stats.h"
#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

namespace regionkv {

namespace internal {
class BackendWiring;
}  // namespace internal

struct WriteItem {
  std::string key;
  std::string value;
  ExpiresAt expires_at;
};

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  virtual ~Backend() = default;

  // ---- Values ------------------------------------------------------------

  // The live value at `key`: nullopt if absent or expired (is_live(); the
  // region's no-expiry keys never expire: context().is_no_expiry_key()).
  virtual std::optional<std::string> get(std::string_view key) = 0;
  virtual void set(std::string_view key, std::string_view value,
                   ExpiresAt expires_at) = 0;
  // Removes `key`. Returns whether a live value was there.
  virtual bool erase(std::string_view key) = 0;

  // Defaults loop over the single calls; built-in stores do each in one step.
  virtual std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys);
  virtual void set_multi(const std::vector<WriteItem>& items);
  virtual void erase_multi(const std::vector<std::string>& keys);

  // Values (and keys) longer than this are rejected with
  // std::invalid_argument before anything is written. Default: 64 MiB and
  // 64 KiB.
  virtual std::size_t max_value_size() const;
  virtual std::size_t max_key_size() const;

  // ---- Sweeping ----------------------------------------------------------

  // Called by the store's sweeper for a backend that keeps its records
  // outside the store's RocksDB: removes records that are expired at `now`
  // (values past their expiry, no-expiry keys spared, and lock records whose
  // lease has run out), visiting stored keys in order from `resume_from`
  // ("": the first), and returns soon after `deadline` with where to resume.
  // Each removal must re-check its record atomically with the delete, so a
  // value rewritten meanwhile is never lost; calls may overlap each other and
  // every other call. May throw: the sweeper logs the error and retries on
  // its next pass.
  // Default: nothing to sweep (a store that expires records itself, such as
  // memcached). The memory store implements it. The rocksdb store keeps the
  // default: the sweeper reaches every column family of the store directly.
  virtual SweepProgress sweep_expired(TimePoint now, std::string_view resume_from,
                                      std::chrono::steady_clock::time_point deadline);

  // ---- Statistics ----------------------------------------------------------

  // The servers this backend talks to and the calls made to each
  // (RegionStats::servers). Default: none.
  virtual std::vector<ServerStats> server_stats() const { return {}; }

  // ---- Locks -------------------------------------------------------------

  // The store's own lock implementation, owned by the store and living as
  // long as it; nullptr (the default): the region uses the default locks
  // over this backend (lock_backend.h), whose records are values of it.
  virtual LockBackend* native_locks() { return nullptr; }

  // ---- Key mangling and the region's context ----------------------------

  // The backend's own mangler (the seed's backend key_mangler); empty: none.
  virtual KeyMangler native_key_mangler() const { return {}; }
  // true: native_key_mangler() wins over RegionConfig::key_mangler.
  virtual bool use_backend_key_mangler() const { return false; }

  // The context of the region this backend serves: its name, its clock, its
  // mangler and no-expiry keys; shared by every level of a proxy chain. Until
  // a region configures the backend, a context of its own (no name, the
  // system clock, no mangler).
  const RegionContext& context() const { return *context_; }
  TimePoint now() const { return context_->now(); }
  // The seed reads these from the backend: the region's effective mangler
  // and its no-expiry keys, raw and hashed.
  KeyMangler key_mangler() const { return context_->key_mangler(); }
  std::set<std::string> raw_no_expiry_keys() const { return context_->raw_no_expiry_keys(); }
  std::set<std::string> no_expiry_hashed_keys() const {
    return context_->no_expiry_hashed_keys();
  }
  bool is_no_expiry_key(std::string_view stored_key) const {
    return context_->is_no_expiry_key(stored_key);
  }

 private:
  // How a Region wires itself to its backends (attaching the context,
  // wrapping proxies, switching no-expiry keys): nothing a backing store
  // implements or a user calls.
  friend class internal::BackendWiring;

  std::shared_ptr<const RegionContext> context_ = unattached_context();
  static std::shared_ptr<const RegionContext> unattached_context();
};

// A backend that wraps another and forwards every call to it. Derive from it
// and override what the proxy changes (the seed's dogpile ProxyBackend). To
// see or change lock calls too, override native_locks() to return a
// LockBackend of the proxy's own that forwards to proxied().native_locks().
class ProxyBackend : public Backend {
 public:
  // The wrapped backend: the next proxy, or the backing store. Set when the
  // region configures the proxy; std::logic_error before.
  Backend& proxied() const;

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value,
           ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;
  std::size_t max_value_size() const override;
  std::size_t max_key_size() const override;
  SweepProgress sweep_expired(TimePoint now, std::string_view resume_from,
                              std::chrono::steady_clock::time_point deadline) override;
  std::vector<ServerStats> server_stats() const override;
  LockBackend* native_locks() override;
  KeyMangler native_key_mangler() const override;
  bool use_backend_key_mangler() const override;

 private:
  friend class internal::BackendWiring;

  std::unique_ptr<Backend> proxied_;
};

}  // namespace regionkv

#endif  // REGIONKV_BACKEND_H_
