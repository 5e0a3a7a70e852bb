// The "memory" backing store: a process-local map, gone when the process
// exits. Also the base of custom test backends (the seed's KVSBackendFixture
// derives from the in-memory backend the same way).
#ifndef REGIONKV_MEMORY_BACKEND_H_
#define REGIONKV_MEMORY_BACKEND_H_

#include <cstddef>
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

  // Inspection, for tests and tools: whether a record (live or expired, value
  // or lock) is stored under `stored_key`, and how many records are stored.
  bool holds_record(std::string_view stored_key) const;
  std::size_t record_count() const;

 private:
  struct Entry {
    std::string value;
    ExpiresAt expires_at;
  };
  bool live(std::string_view key, const Entry& entry, TimePoint now) const;

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mutex_
};

}  // namespace regionkv

#endif  // REGIONKV_MEMORY_BACKEND_H_
