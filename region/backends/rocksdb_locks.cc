// The RocksDB store's locks: lock/local_locks.h over kLock records at
// "_lock" + key in the region's column family. Every step checks and writes
// inside one critical section of the key's stripe of the region's key locks:
// RocksDB admits a single process per store, so an in-process mutex makes the
// compare-and-set atomic (docs/locks.md compares this with TransactionDB).
//
// The check reads leases_, the in-memory mirror of the region's lock records
// (lock/lease_table.h), not RocksDB: a lock cycle is one Put and one Delete.
#include <rocksdb/write_batch.h>

#include "common/describe.h"
#include "lock/local_locks.h"
#include "region/backends/rocksdb_backend.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv {

class RocksDBBackend::LockRecords {
 public:
  using Section = engine::Engine::KeyLocks::Guard;

  explicit LockRecords(RocksDBBackend& store) : store_(store) {}

  Section exclusive(std::string_view lock_key) { return store_.key_locks_.lock(lock_key); }
  Section exclusive(std::string_view key, std::string_view lock_key) {
    return store_.key_locks_.lock(key, lock_key);
  }
  TimePoint now() const { return store_.now(); }

  std::optional<lock::LeaseRecord> lease(Section&, std::string_view lock_key) {
    if (!store_.unreadable_locks_.empty() && store_.unreadable_locks_.contains(lock_key))
      throw Corruption(common::describe_region(store_.region_name_) + ", stored key '" +
                       printable(lock_key) + "': corrupt lock record");
    return store_.leases_.find(lock_key);
  }

  void put_lease(Section&, std::string_view lock_key, const lock::LeaseRecord& lease) {
    // Encoded on the stack, and the batch sized once as DB::Put sizes its
    // own: the grant allocates no more than the floor's Put does.
    char payload[lock::kLeaseRecordSize];
    lock::encode_lease(lease, payload);
    char record[engine::kRecordHeaderSize + lock::kLeaseRecordSize];
    engine::encode_record(record, engine::RecordKind::kLock, lease.ends(),
                          std::string_view(payload, sizeof payload));
    rocksdb::WriteBatch batch(lock_key.size() + sizeof record + kBatchOverhead);
    const rocksdb::Status batched =
        batch.Put(store_.family_, rocksdb::Slice(lock_key.data(), lock_key.size()),
                  rocksdb::Slice(record, sizeof record));
    if (!batched.ok())
      engine::check_status(batched,
                           common::describe_region(store_.region_name_) + ": cannot batch a lock");
    store_.engine_.write(batch);  // the grant is durable before it is known
    store_.leases_.put(lock_key, lease);
  }

  void erase_lease(Section&, std::string_view lock_key) {
    // The sweeper may have deleted a spent record already: deleting again is
    // harmless.
    rocksdb::WriteBatch batch;
    batch.Delete(store_.family_, rocksdb::Slice(lock_key.data(), lock_key.size()));
    store_.engine_.write(batch);
    store_.leases_.erase(lock_key);
  }

  void put_value(Section&, std::string_view key, std::string_view value, ExpiresAt expires_at) {
    rocksdb::WriteBatch batch;
    store_.put_value(batch, key, value, expires_at);
    store_.engine_.write(batch);
  }

  bool erase_value(Section&, std::string_view key, TimePoint now) {
    return store_.erase_held(key, now);
  }

 private:
  // A batch's header and one operation's tag, column family and lengths
  // (what DB::Put reserves beyond its key and value).
  static constexpr std::size_t kBatchOverhead = 24;

  RocksDBBackend& store_;
};

void RocksDBBackend::load_leases() {
  // Before any lock call of this backend; the sweeper may be deleting spent
  // records meanwhile, which leaves them in the mirror as the spent (hence
  // free) leases they are.
  const rocksdb::Slice prefix(lock::kLockKeyPrefix.data(), lock::kLockKeyPrefix.size());
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db().NewIterator(rocksdb::ReadOptions(), family_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    try {
      const engine::Record record = engine::decode_record(it->value().ToStringView());
      if (record.kind == engine::RecordKind::kLock)
        leases_.put(key, lock::decode_lease(record.payload));
    } catch (const Corruption&) {
      unreadable_locks_.emplace(key);
    }
  }
  engine::check_status(it->status(),
                       common::describe_region(region_name_) + ": cannot read its lock records");
}

std::unique_ptr<LockBackend> RocksDBBackend::make_native_locks() {
  return std::make_unique<lock::LocalLocks<LockRecords>>(LockRecords(*this), fencing_);
}

}  // namespace regionkv
