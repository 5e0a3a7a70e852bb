#include "lock/lease_record.h"

#include "common/little_endian.h"
#include "regionkv/errors.h"

namespace regionkv::lock {

std::string lock_record_key(std::string_view stored_key) {
  std::string key;
  key.reserve(kLockKeyPrefix.size() + stored_key.size());
  key.append(kLockKeyPrefix).append(stored_key);
  return key;
}

std::string encode_lease(const LeaseRecord& lease) {
  char bytes[kLeaseRecordSize];
  encode_lease(lease, bytes);
  return std::string(bytes, kLeaseRecordSize);
}

void encode_lease(const LeaseRecord& lease, char (&out)[kLeaseRecordSize]) {
  // The compiler turns each store_u64 into one store.
  common::store_u64(out, lease.fencing_token);
  common::store_u64(out + 8, static_cast<std::uint64_t>(common::to_unix_ms(lease.acquired_at)));
  common::store_u64(out + 16, static_cast<std::uint64_t>(lease.lease.count()));
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

}  // namespace regionkv::lock
