// Locks on the RocksDB store. A lock is a kLock record at "_lock" + key in
// the region's column family, and every step checks and writes inside one
// critical section of the key's stripe of the region's key locks: RocksDB
// admits a single process per store, so an in-process mutex makes the
// compare-and-set atomic (docs/locks.md compares this with TransactionDB).
//
// The check reads leases_, the in-memory mirror of the region's lock records
// (lock/lease_table.h), not RocksDB: a lock cycle is one Put and one Delete.
#include <rocksdb/write_batch.h>

#include <array>
#include <memory>

#include "regionkv/printable.h"
#include "region/backends/rocksdb_backend.h"
#include "regionkv/errors.h"

namespace regionkv {

void RocksDBBackend::load_leases() {
  // Before any lock call of this backend; the sweeper may be deleting spent
  // records meanwhile, which leaves them in the mirror as the spent (hence
  // absent) leases they are.
  const rocksdb::Slice prefix(lock::kLockKeyPrefix.data(), lock::kLockKeyPrefix.size());
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db().NewIterator(rocksdb::ReadOptions(), family_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    try {
      const engine::Record record = engine::decode_record(it->value().ToStringView());
      // A value under a "_lock" key (a custom mangler's output) holds no lock.
      if (record.kind == engine::RecordKind::kLock)
        leases_.put(key, lock::decode_lease(record.payload));
    } catch (const Corruption&) {
      unreadable_locks_.emplace(key);
    }
  }
  engine::check_status(it->status(),
                       "region '" + region_name_ + "': cannot read its lock records");
}

void RocksDBBackend::check_lock_readable(std::string_view lock_key) const {
  if (!unreadable_locks_.empty() && unreadable_locks_.contains(lock_key))
    throw Corruption("region '" + region_name_ + "', stored key '" +
                     printable(lock_key) + "': corrupt lock record");
}

bool RocksDBBackend::lock_allows_write(std::string_view lock_key,
                                       std::uint64_t fencing_token, TimePoint now) const {
  const auto lease = leases_.find(lock_key);
  return lease && lease->fencing_token == fencing_token && lease->allows_write_at(now);
}

LockAttempt RocksDBBackend::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  check_lock_readable(lock_key);
  const rocksdb::Slice key(lock_key.data(), lock_key.size());
  std::lock_guard guard(key_locks_.for_key(lock_key));
  if (const auto holder = leases_.find(lock_key); holder && !holder->expired_at(terms.now))
    return LockAttempt{std::nullopt, holder->ends()};

  // The token is drawn under the stripe, so grants of one key carry
  // increasing tokens in the order they are made.
  const lock::LeaseRecord lease{fencing_.next(), common::truncate_to_ms(terms.now),
                                terms.lease};
  rocksdb::WriteBatch batch;
  engine::check_status(
      batch.Put(family_, key,
                engine::encode_record(engine::RecordKind::kLock, lease.ends(),
                                      lock::encode_lease(lease))),
      "region '" + region_name_ + "': cannot batch a lock");
  engine_.write(batch);  // the grant is durable before it is known
  leases_.put(lock_key, lease);
  return LockAttempt{LockGrant{lease.fencing_token, lease.acquired_at}, std::nullopt};
}

void RocksDBBackend::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  std::lock_guard guard(key_locks_.for_key(lock_key));
  // Only our own record, live or spent (the sweeper may have deleted a spent
  // one already: deleting again is harmless); another holder's stays.
  const auto lease = leases_.find(lock_key);
  if (!lease || lease->fencing_token != fencing_token) return;
  rocksdb::WriteBatch batch;
  batch.Delete(family_, rocksdb::Slice(lock_key.data(), lock_key.size()));
  engine_.write(batch);
  leases_.erase(lock_key);
}

LockedWriteResult RocksDBBackend::set_locked(std::string_view key, std::string_view value,
                                             ExpiresAt expires_at,
                                             std::string_view lock_key,
                                             std::uint64_t fencing_token) {
  check_lock_readable(lock_key);
  rocksdb::WriteBatch batch;
  put_value(batch, key, value, expires_at);
  const auto guards = key_locks_.lock_all(std::array{key, lock_key});
  if (!lock_allows_write(lock_key, fencing_token, now())) return LockedWriteResult::kLockLost;
  engine_.write(batch);
  return LockedWriteResult::kApplied;
}

LockedWriteResult RocksDBBackend::erase_locked(std::string_view key,
                                               std::string_view lock_key,
                                               std::uint64_t fencing_token) {
  check_lock_readable(lock_key);
  const auto guards = key_locks_.lock_all(std::array{key, lock_key});
  const TimePoint now = this->now();
  if (!lock_allows_write(lock_key, fencing_token, now)) return LockedWriteResult::kLockLost;
  rocksdb::PinnableSlice buffer;
  const auto record = read_record(key, buffer);
  if (!record) return LockedWriteResult::kKeyAbsent;
  const bool was_live = live(key, *record, now);
  rocksdb::WriteBatch batch;
  batch.Delete(family_, rocksdb::Slice(key.data(), key.size()));
  engine_.write(batch);
  return was_live ? LockedWriteResult::kApplied : LockedWriteResult::kKeyAbsent;
}

}  // namespace regionkv
