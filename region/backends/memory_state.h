// MemoryBackend's map, shared by its value calls (memory_backend.cc) and its
// locks (memory_locks.cc).
#ifndef REGIONKV_REGION_BACKENDS_MEMORY_STATE_H_
#define REGIONKV_REGION_BACKENDS_MEMORY_STATE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/readable.h"
#include "lock/fencing_counter.h"
#include "lock/lease_record.h"
#include "regionkv/lock_backend.h"
#include "regionkv/memory_backend.h"

namespace regionkv {

struct MemoryBackend::State {
  struct Entry {
    std::string value;     // a lock record's is empty: see `lease`
    ExpiresAt expires_at;  // a lock record's: when its lease runs out
    std::optional<lock::LeaseRecord> lease;  // set for a lock record
  };

  // Whether `entry` at `key` reads as present at `now` (common::is_readable).
  bool live(const Backend& backend, std::string_view key, const Entry& entry,
            TimePoint now) const {
    return common::is_readable(entry.expires_at, now, entry.lease.has_value(),
                               [&] { return backend.is_no_expiry_key(key); });
  }

  // The bytes get() returns for `entry`: a lock record reads as its encoded
  // lease.
  static std::string bytes_of(const Entry& entry) {
    return entry.lease ? lock::encode_lease(*entry.lease) : entry.value;
  }

  mutable std::mutex mutex;
  std::map<std::string, Entry, std::less<>> entries;  // guarded by mutex
  lock::InProcessFencingCounter tokens;  // drawn under mutex
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_BACKENDS_MEMORY_STATE_H_
