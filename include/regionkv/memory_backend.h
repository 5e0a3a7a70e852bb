// The "memory" backing store: a process-local map, gone when the process
// exits. Also the base of custom test backends (the seed's KVSBackendFixture
// derives from the in-memory backend the same way).
#ifndef REGIONKV_MEMORY_BACKEND_H_
#define REGIONKV_MEMORY_BACKEND_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/backend.h"

namespace regionkv {

// Thread-safe. Multi-key calls are atomic.
class MemoryBackend : public Backend {
 public:
  MemoryBackend() = default;
  explicit MemoryBackend(const RegionConfig& /*config*/) {}

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value,
           ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

  // Locks, natively: the lock record is an entry at the lock key holding its
  // fencing token, expiring when the lease runs out (so the sweeper removes
  // a spent one), and each call checks and writes under one hold of the
  // map's mutex. Fencing
  // tokens count up from 1 per backend: the map goes with the process, so
  // there is no restart to survive. Locked writes go straight to the map,
  // not through an overridden set()/erase().
  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override;
  void unlock(std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult set_locked(std::string_view key, std::string_view value,
                               ExpiresAt expires_at, std::string_view lock_key,
                               std::uint64_t fencing_token) override;
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token) override;

  // Removes expired values and leases, at most kSweepBatch entries per hold
  // of the map's mutex, so other calls wait for one short batch at most.
  SweepProgress sweep_expired(TimePoint now, std::string_view resume_from,
                              std::chrono::steady_clock::time_point deadline) override;
  static constexpr std::size_t kSweepBatch = 256;

  // Inspection, for tests and tools: whether a record (live or expired, value
  // or lock) is stored under `stored_key`, and how many records are stored.
  bool holds_record(std::string_view stored_key) const;
  std::size_t record_count() const;
  // The fencing token of the lock record at `lock_key` ("_lock" + stored
  // key), live or spent; nullopt if there is none.
  std::optional<std::uint64_t> lock_record_token(std::string_view lock_key) const;

 private:
  struct Entry {
    std::string value;
    ExpiresAt expires_at;  // a lock record's: when its lease runs out
    // Non-zero: a lock record, held under this fencing token (value empty).
    std::uint64_t fencing_token = 0;
  };
  bool live(std::string_view key, const Entry& entry, TimePoint now) const;
  // Whether the lock record at lock_key carries `fencing_token` and its
  // holder may still write at `now`. REQUIRES: mutex_ held.
  bool lock_allows_write(std::string_view lock_key, std::uint64_t fencing_token,
                         TimePoint now) const;

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mutex_
  std::uint64_t last_fencing_token_ = 0;                // guarded by mutex_
};

}  // namespace regionkv

#endif  // REGIONKV_MEMORY_BACKEND_H_
