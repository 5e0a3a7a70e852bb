#include "lock/lease_table.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace regionkv::lock {

std::size_t LeaseTable::Hash::operator()(std::string_view key) const {
  // Cheaper than std::hash on a lock key (37 bytes by default); every call
  // hashes its key once or twice.
  return static_cast<std::size_t>(XXH3_64bits(key.data(), key.size()));
}

LeaseTable::Shard& LeaseTable::shard(const HashedKey& key) const {
  // The high bits: the map inside the shard uses the low ones.
  return shards_[(key.hash >> 20) % kShards];
}

std::optional<LeaseRecord> LeaseTable::find(std::string_view lock_key) const {
  const HashedKey key = hashed(lock_key);
  Shard& s = shard(key);
  std::lock_guard guard(s.mutex);
  auto it = s.leases.find(key);
  if (it == s.leases.end()) return std::nullopt;
  return it->second;
}

void LeaseTable::put(std::string_view lock_key, const LeaseRecord& lease) {
  const HashedKey key = hashed(lock_key);
  Shard& s = shard(key);
  std::lock_guard guard(s.mutex);
  if (auto it = s.leases.find(key); it != s.leases.end()) {
    it->second = lease;
  } else if (s.spare.empty()) {
    s.leases.emplace(std::string(lock_key), lease);
  } else {
    s.spare.key().assign(lock_key);
    s.spare.mapped() = lease;
    s.leases.insert(std::move(s.spare));  // the key is absent: leaves spare empty
  }
}

void LeaseTable::erase(std::string_view lock_key) {
  const HashedKey key = hashed(lock_key);
  Shard& s = shard(key);
  std::lock_guard guard(s.mutex);
  if (auto it = s.leases.find(key); it != s.leases.end()) s.spare = s.leases.extract(it);
}

}  // namespace regionkv::lock
