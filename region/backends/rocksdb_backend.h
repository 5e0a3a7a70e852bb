// The "rocksdb" backing store: the region's own column family in the Store's
// RocksDB database, values kept in the record format of engine/record.h.
#ifndef REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_
#define REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_

#include <rocksdb/db.h>

#include <string>

#include "engine/engine.h"
#include "engine/record.h"
#include "lock/lease_record.h"
#include "lock/lease_table.h"
#include "regionkv/backend.h"

namespace regionkv {

// Thread-safe. Multi-key writes are one atomic WriteBatch. Every write takes
// the region's key locks for its keys, so a read-check-write elsewhere (a
// lock, a locked write, the sweeper's delete of an expired record) never
// interleaves with it.
class RocksDBBackend : public Backend {
 public:
  RocksDBBackend(engine::Engine& engine, std::string region_name);

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value,
           ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

  // Locks: compare-and-set on "_lock" + key under the region's key locks
  // (region/backends/rocksdb_lock_ops.cc).
  LockAttempt try_lock(std::string_view lock_key, const LeaseTerms& terms) override;
  void unlock(std::string_view lock_key, std::uint64_t fencing_token) override;
  LockedWriteResult set_locked(std::string_view key, std::string_view value,
                               ExpiresAt expires_at, std::string_view lock_key,
                               std::uint64_t fencing_token) override;
  LockedWriteResult erase_locked(std::string_view key, std::string_view lock_key,
                                 std::uint64_t fencing_token) override;

  // Also keep the engine's copy of the hashed no-expiry keys (what the
  // sweeper and the compaction filter spare) in step, and persisted
  // (region/backends/rocksdb_no_expiry_keys.cc).
  void set_key_mangler(KeyMangler mangler) override;
  void set_no_expiry_keys(std::set<std::string> raw_keys) override;

 private:
  // The record stored at `key`, decoded (Corruption names the region and
  // key); nullopt if none. `buffer` holds the bytes the record points into.
  std::optional<engine::Record> read_record(std::string_view key,
                                            rocksdb::PinnableSlice& buffer);
  engine::Record decode(std::string_view key, std::string_view bytes) const;
  bool live(std::string_view key, const engine::Record& record, TimePoint now) const;
  // Lock records (region/backends/rocksdb_lock_ops.cc): loads leases_ from
  // the column family; throws Corruption for a lock record found unreadable
  // then; whether lock_key carries the token and allows a write at now.
  void load_leases();
  void check_lock_readable(std::string_view lock_key) const;
  bool lock_allows_write(std::string_view lock_key, std::uint64_t fencing_token,
                         TimePoint now) const;
  void put_value(rocksdb::WriteBatch& batch, std::string_view key,
                 std::string_view value, ExpiresAt expires_at);

  engine::Engine& engine_;
  const std::string region_name_;
  rocksdb::ColumnFamilyHandle* const family_;
  engine::Engine::KeyLocks& key_locks_;
  engine::FencingCounter& fencing_;
  // The region's lock records, mirrored (lock/lease_table.h); each key's
  // entry changes only under its stripe of key_locks_, with its record.
  lock::LeaseTable leases_;
  // Lock records that failed to decode at load; fixed after construction.
  std::set<std::string, std::less<>> unreadable_locks_;
  // Serialises changes of the no-expiry keys (engine::NoExpiryKeys::replace).
  std::mutex no_expiry_change_mutex_;
  bool no_expiry_keys_set_ = false;  // guarded by no_expiry_change_mutex_
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_
