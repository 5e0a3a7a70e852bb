// The "memory" backing store: a process-local map, gone when the process
// exits. Also the base of custom test backends (the seed's KVSBackendFixture
// derives from the in-memory backend the same way).
#ifndef REGIONKV_MEMORY_BACKEND_H_
#define REGIONKV_MEMORY_BACKEND_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/backend.h"

namespace regionkv {

// Thread-safe. Multi-key calls are atomic.
//
// Locks, natively: each step checks and writes under one hold of the map's
// mutex. A lock record is an entry at the lock key that expires when its
// lease runs out, so the sweeper removes a spent one; get() of a lock key
// returns the lock record's bytes while the lease is live. Fencing tokens
// count up from 1 per backend: the map goes with the process, so there is no
// restart to survive. Locked writes go straight to the map, not through an
// overridden set()/erase().
class MemoryBackend : public Backend {
 public:
  MemoryBackend();
  explicit MemoryBackend(const RegionConfig& config);
  ~MemoryBackend() override;

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value,
           ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

  // Removes expired values and leases, at most kSweepBatch entries per hold
  // of the map's mutex, so other calls wait for one short batch at most.
  SweepProgress sweep_expired(TimePoint now, std::string_view resume_from,
                              std::chrono::steady_clock::time_point deadline) override;
  static constexpr std::size_t kSweepBatch = 256;

  LockBackend* native_locks() override { return locks_.get(); }

 private:
  // The map and its mutex, and the locks over them.
  struct State;
  class LockRecords;
  static std::unique_ptr<LockBackend> make_native_locks(MemoryBackend& backend);

  std::unique_ptr<State> state_;
  std::unique_ptr<LockBackend> locks_;
};

}  // namespace regionkv

#endif  // REGIONKV_MEMORY_BACKEND_H_
