// The leases of one region's lock records, held in this process's memory.
//
// The RocksDB store keeps one as an exact mirror of the lock records in the
// region's column family. RocksDB admits one process per store, so nothing
// but this process writes those records: the mirror is loaded once, when the
// region's backend is built, and afterwards every lock record write updates
// it in the same critical section (the key's stripe of Engine::key_locks).
// Taking, releasing and checking a lock then read the mirror instead of
// RocksDB, and a lock cycle costs exactly one Put and one Delete.
//
// Deletions by others: the sweeper deletes lock records whose lease has run
// out, without touching the mirror. An entry whose lease has run out is
// therefore treated as absent by every reader, whether or not its record is
// still on disk; and the mirror never causes a record to be written except
// by a new grant, so a deleted record is never resurrected.
#ifndef REGIONKV_LOCK_LEASE_TABLE_H_
#define REGIONKV_LOCK_LEASE_TABLE_H_

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lock/lease_record.h"

namespace regionkv::lock {

// Thread-safe: each call is atomic. A read followed by a write of one key is
// not; callers serialise those per key (the RocksDB store holds the key's
// stripe of Engine::key_locks around them).
class LeaseTable {
 public:
  // The lease stored at `lock_key`, expired or not; nullopt if none.
  std::optional<LeaseRecord> find(std::string_view lock_key) const;
  void put(std::string_view lock_key, const LeaseRecord& lease);
  void erase(std::string_view lock_key);

 private:
  // A lock key with its hash, computed once per call: it picks the shard and
  // is the map's hash of the key (Hash::operator() gives the same for both).
  struct HashedKey {
    std::string_view key;
    std::size_t hash;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const;  // XXH3
    std::size_t operator()(const HashedKey& key) const { return key.hash; }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
    bool operator()(const HashedKey& a, std::string_view b) const { return a.key == b; }
    bool operator()(std::string_view a, const HashedKey& b) const { return a == b.key; }
  };
  using Map = std::unordered_map<std::string, LeaseRecord, Hash, Equal>;
  static constexpr std::size_t kShards = 64;
  // Padded so neighbouring shards do not share a cache line.
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    Map leases;  // guarded by mutex
    // The node of the entry erased last, reused by the next insertion, so
    // that a lock cycle (put, then erase) allocates nothing here. One per
    // shard: it bounds what is kept. Guarded by mutex.
    Map::node_type spare;
  };
  static HashedKey hashed(std::string_view lock_key) { return {lock_key, Hash{}(lock_key)}; }
  Shard& shard(const HashedKey& key) const;

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_LEASE_TABLE_H_
