#include "lock/lease_record.h"

#include "common/little_endian.h"
#include "engine/record.h"
#include "regionkv/errors.h"

namespace regionkv::lock {

bool LeaseRecord::expired_at(TimePoint now) const {
  const auto end = ends();
  return end && now >= *end;
}

bool lease_allows_write(const std::optional<TimePoint>& lease_ends, TimePoint now) {
  // lock_timeout = lease - kLeaseMargin, so now + kLeaseMargin <=
  // acquired_at + lock_timeout reads now + 2 * kLeaseMargin <= lease end.
  return !lease_ends || common::add_saturating(now, 2 * kLeaseMargin) <= *lease_ends;
}

bool LeaseRecord::allows_write_at(TimePoint now) const {
  return lease_allows_write(ends(), now);
}

namespace {

void put_u64(char* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

std::string encode_lease(const LeaseRecord& lease) {
  // Into a fixed buffer: the compiler turns each put_u64 into one store.
  char bytes[kLeaseRecordSize];
  put_u64(bytes, lease.fencing_token);
  put_u64(bytes + 8, static_cast<std::uint64_t>(common::to_unix_ms(lease.acquired_at)));
  put_u64(bytes + 16, static_cast<std::uint64_t>(lease.lease.count()));
  return std::string(bytes, kLeaseRecordSize);
}

LeaseRecord decode_lease(std::string_view bytes) {
  if (bytes.size() != kLeaseRecordSize)
    throw Corruption("corrupt lock record: " + std::to_string(bytes.size()) +
                     " bytes, expected " + std::to_string(kLeaseRecordSize));
  LeaseRecord lease;
  lease.fencing_token = common::read_u64(bytes, 0);
  lease.acquired_at =
      common::from_unix_ms(static_cast<std::int64_t>(common::read_u64(bytes, 8)));
  const auto lease_ms = static_cast<std::int64_t>(common::read_u64(bytes, 16));
  if (lease_ms < 0) throw Corruption("corrupt lock record: negative lease");
  lease.lease = std::chrono::milliseconds(lease_ms);
  return lease;
}

std::string lock_record_key(std::string_view stored_key) {
  std::string key(kLockKeyPrefix);
  key.append(stored_key);
  return key;
}

}  // namespace regionkv::lock
