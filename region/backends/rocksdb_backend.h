// The "rocksdb" backing store: the region's own column family in the Store's
// RocksDB database, values kept in the record format of engine/record.h, and
// locks natively (rocksdb_locks.cc).
#ifndef REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_
#define REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_

#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "engine/engine.h"
#include "engine/record.h"
#include "lock/fencing_counter.h"
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
  ~RocksDBBackend() override;

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value,
           ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

  // Locks: compare-and-set on "_lock" + key under the region's key locks
  // (lock/local_locks.h; the records in rocksdb_locks.cc).
  LockBackend* native_locks() override { return locks_.get(); }

  // The region's hashed no-expiry keys become `hashed`: changes the engine's
  // copy (what the sweeper and the compaction filter spare), persisted,
  // around `switch_reads`, which it calls exactly once, so that the copy
  // always contains the set the reads use (engine/no_expiry_keys.h). Called
  // by internal::BackendWiring::change_mangling.
  void change_no_expiry_keys(const std::set<std::string>& hashed,
                             const std::function<void()>& switch_reads);

 private:
  class LockRecords;  // rocksdb_locks.cc

  // The record stored at `key`, decoded (Corruption names the region and
  // key); nullopt if none. `buffer` holds the bytes the record points into.
  std::optional<engine::Record> read_record(std::string_view key,
                                            rocksdb::PinnableSlice& buffer);
  engine::Record decode(std::string_view key, std::string_view bytes) const;
  bool live(std::string_view key, const engine::Record& record, TimePoint now) const;
  void put_value(rocksdb::WriteBatch& batch, std::string_view key,
                 std::string_view value, ExpiresAt expires_at);
  // Deletes `key`, returning whether a live value was there. REQUIRES: the
  // key's stripe of key_locks_ held.
  bool erase_held(std::string_view key, TimePoint now);
  // Lock records (rocksdb_locks.cc): loads leases_ from the column family,
  // noting the records it cannot read; the locks over them.
  void load_leases();
  std::unique_ptr<LockBackend> make_native_locks();

  engine::Engine& engine_;
  const std::string region_name_;
  rocksdb::ColumnFamilyHandle* const family_;
  engine::Engine::KeyLocks& key_locks_;
  // The region's lock records, mirrored (lock/lease_table.h); each key's
  // entry changes only under its stripe of key_locks_, with its record.
  lock::LeaseTable leases_;
  // Lock records that failed to decode at load; fixed after construction.
  std::set<std::string, std::less<>> unreadable_locks_;
  lock::ReservedFencingCounter fencing_;
  std::unique_ptr<LockBackend> locks_;
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_
