// The payload of a lock record: who holds the lock (its fencing token), since
// when, and for how long. docs/format.md gives the bytes.
#ifndef REGIONKV_LOCK_LEASE_RECORD_H_
#define REGIONKV_LOCK_LEASE_RECORD_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "regionkv/time_source.h"

namespace regionkv::lock {

inline constexpr std::size_t kLeaseRecordSize = 24;
// The prefix of every lock record's key: "_lock" + the mangled key.
inline constexpr std::string_view kLockKeyPrefix = "_lock";

struct LeaseRecord {
  std::uint64_t fencing_token = 0;
  TimePoint acquired_at;              // millisecond precision
  std::chrono::milliseconds lease{0};  // 0: never runs out

  // When the lease runs out; nullopt if never.
  std::optional<TimePoint> ends() const;
  bool expired_at(TimePoint now) const;
};

std::string encode_lease(const LeaseRecord& lease);
// Throws Corruption unless `bytes` is exactly one lease record.
LeaseRecord decode_lease(std::string_view bytes);

std::string lock_record_key(std::string_view stored_key);

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LEASE_RECORD_H_
