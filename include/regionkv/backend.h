// The interface a backing store implements, and the proxy that wraps one.
//
// A Region talks to exactly one Backend: the outermost proxy if the region
// has proxies, else the store itself. Every key a Backend sees is already
// mangled (or raw, with mangling disabled) and never empty. Values are opaque
// bytes.
//
// To add a backing store, derive from Backend (or from MemoryBackend), give it
// a constructor taking the RegionConfig, and register a factory with
// register_backend(). Only the value calls are required: locks have a default
// implementation built on them, correct within one process.
//
// Thread-safety: a Backend is called from many threads at once; implementations
// must be thread-safe.
#ifndef REGIONKV_BACKEND_H_
#define REGIONKV_BACKEND_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/key_mangler.h"
#include "regionkv/region_config.h"
#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

namespace regionkv {

struct WriteItem {
  std::string key;
  std::string value;
  ExpiresAt expires_at;
};

// The terms of a lock request: the lease runs from `now` for `lease`
// (lock_timeout + 1 s); a zero lease never runs out.
struct LeaseTerms {
  TimePoint now;
  std::chrono::milliseconds lease{0};
};

// What a granted lock carries.
struct LockGrant {
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;
};

// The outcome of one try_lock: a grant, or when the current holder's lease
// runs out (nullopt if it never does or is unknown).
struct LockAttempt {
  std::optional<LockGrant> grant;
  std::optional<TimePoint> holder_lease_ends;
};

// The outcome of a locked write.
enum class LockedWriteResult {
  kApplied,    // the lock record carried the token and the write was made
  kKeyAbsent,  // erase only: the lock held, but there was no live value
  kLockLost,   // the lock record is gone or carries another token
};

class Backend {
 public:
  Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  virtual ~Backend() = default;

  // ---- Values ------------------------------------------------------------

  // The live value at `key`: nullopt if absent or expired (no-expiry keys
  // never expire).
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

  // ---- Locks -------------------------------------------------------------
  // `lock_key` is "_lock" + the mangled key. The default implementation keeps
  // a lease record as an ordinary value at lock_key (expiring when the lease
  // runs out) and a fencing counter at "_lock#fencing", made atomic by a
  // per-backend mutex: correct for one process. Built-in stores override.

  // Compare-and-set: takes the lock if absent or its lease has run out.
  virtual LockAttempt try_lock(std::string_view lock_key,
                               const LeaseTerms& terms);
  // Deletes the lock record only if it still carries `fencing_token`.
  virtual void unlock(std::string_view lock_key, std::uint64_t fencing_token);
  // Writes (or erases) `key` only if lock_key still carries `fencing_token`,
  // checked and written in one atomic step.
  virtual LockedWriteResult set_locked(std::string_view key,
                                       std::string_view value,
                                       ExpiresAt expires_at,
                                       std::string_view lock_key,
                                       std::uint64_t fencing_token);
  virtual LockedWriteResult erase_locked(std::string_view key,
                                         std::string_view lock_key,
                                         std::uint64_t fencing_token);

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

  // ---- Key mangling ------------------------------------------------------

  // The backend's own mangler (the seed's backend key_mangler); empty: none.
  virtual KeyMangler native_key_mangler() const { return {}; }
  // true: native_key_mangler() wins over RegionConfig::key_mangler.
  virtual bool use_backend_key_mangler() const { return false; }

  // The effective mangler; the region sets it at configure time and through
  // Region::set_key_mangler. Setting it rehashes the no-expiry keys.
  virtual void set_key_mangler(KeyMangler mangler);
  KeyMangler key_mangler() const;
  // Whether the effective mangler is xxh3_key_mangler(): the region then
  // builds stored keys itself, without copying the mangler under a lock.
  bool uses_xxh3_key_mangler() const noexcept {
    return uses_xxh3_key_mangler_.load(std::memory_order_acquire);
  }

  // The raw no-expiry keys, and the same keys through the effective mangler
  // (the raw set when the mangler is empty).
  virtual void set_no_expiry_keys(std::set<std::string> raw_keys);
  std::set<std::string> raw_no_expiry_keys() const;
  std::set<std::string> no_expiry_hashed_keys() const;
  bool is_no_expiry_key(std::string_view stored_key) const;

  // The store's clock, adopted from the region that uses this backend.
  virtual void adopt_time_source(std::shared_ptr<const TimeSource> clock);
  TimePoint now() const;

 private:
  mutable std::shared_mutex mangling_mutex_;
  KeyMangler key_mangler_;                     // guarded by mangling_mutex_
  std::atomic<bool> uses_xxh3_key_mangler_{false};  // written under mangling_mutex_
  std::set<std::string> raw_no_expiry_keys_;   // guarded by mangling_mutex_
  std::set<std::string> hashed_no_expiry_keys_;  // guarded by mangling_mutex_
  std::shared_ptr<const TimeSource> clock_ = system_time_source();

  // State of the default lock implementation (lock/default_lock_ops.cc).
  struct DefaultLockState;
  std::shared_ptr<DefaultLockState> default_lock_state_;
  DefaultLockState& default_lock_state();
};

// A backend that wraps another and forwards every call to it. Derive from it
// and override what the proxy changes (the seed's dogpile ProxyBackend).
class ProxyBackend : public Backend {
 public:
  // The wrapped backend. REQUIRES: wrap() was called.
  Backend& proxied() const;
  // Called once by the region, innermost proxy first.
  void wrap(std::unique_ptr<Backend> inner);

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
  LockAttempt try_lock(std::string_view lock_key,
                       const LeaseTerms& terms) override;
  void unlock(std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult set_locked(std::string_view key, std::string_view value,
                               ExpiresAt expires_at, std::string_view lock_key,
                               std::uint64_t fencing_token) override;
  LockedWriteResult erase_locked(std::string_view key,
                                 std::string_view lock_key,
                                 std::uint64_t fencing_token) override;
  SweepProgress sweep_expired(TimePoint now, std::string_view resume_from,
                              std::chrono::steady_clock::time_point deadline) override;
  KeyMangler native_key_mangler() const override;
  bool use_backend_key_mangler() const override;
  void set_key_mangler(KeyMangler mangler) override;
  void set_no_expiry_keys(std::set<std::string> raw_keys) override;
  void adopt_time_source(std::shared_ptr<const TimeSource> clock) override;

 private:
  std::unique_ptr<Backend> proxied_;
};

}  // namespace regionkv

#endif  // REGIONKV_BACKEND_H_
