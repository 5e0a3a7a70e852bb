#include "lock/lease_table.h"

namespace regionkv::lock {

LeaseTable::Shard& LeaseTable::shard(std::string_view lock_key) const {
  // The high bits: the map inside the shard uses the low ones.
  return shards_[(Hash{}(lock_key) >> 20) % kShards];
}

std::optional<LeaseRecord> LeaseTable::find(std::string_view lock_key) const {
  Shard& s = shard(lock_key);
  std::lock_guard guard(s.mutex);
  auto it = s.leases.find(lock_key);
  if (it == s.leases.end()) return std::nullopt;
  return it->second;
}

void LeaseTable::put(std::string_view lock_key, const LeaseRecord& lease) {
  Shard& s = shard(lock_key);
  std::lock_guard guard(s.mutex);
  auto it = s.leases.find(lock_key);
  if (it != s.leases.end())
    it->second = lease;
  else
    s.leases.emplace(std::string(lock_key), lease);
}

void LeaseTable::erase(std::string_view lock_key) {
  Shard& s = shard(lock_key);
  std::lock_guard guard(s.mutex);
  if (auto it = s.leases.find(lock_key); it != s.leases.end()) s.leases.erase(it);
}

}  // namespace regionkv::lock
