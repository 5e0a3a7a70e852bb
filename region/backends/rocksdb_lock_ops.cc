// Locks on the RocksDB store. A lock is a kLock record at "_lock" + key in
// the region's column family. Each step reads the lock record and writes in
// one critical section of the region's key locks: RocksDB admits a single
// process per store, so an in-process mutex makes the compare-and-set
// atomic (docs/locks.md compares this with TransactionDB).
#include <rocksdb/write_batch.h>

#include <array>

#include "region/backends/rocksdb_backend.h"

namespace regionkv {

std::optional<lock::LeaseRecord> RocksDBBackend::live_lease(std::string_view lock_key,
                                                            TimePoint now) {
  rocksdb::PinnableSlice buffer;
  const auto record = read_record(lock_key, buffer);
  if (!record || record->kind != engine::RecordKind::kLock || !record->live_at(now))
    return std::nullopt;
  return lock::decode_lease(record->payload);
}

LockAttempt RocksDBBackend::try_lock(std::string_view lock_key, const LeaseTerms& terms) {
  std::lock_guard guard(key_locks_.for_key(lock_key));
  if (const auto holder = live_lease(lock_key, terms.now))
    return LockAttempt{std::nullopt, holder->ends()};

  const lock::LeaseRecord lease{engine_.fencing_counter(region_name_).next(),
                                engine::truncate_to_ms(terms.now), terms.lease};
  rocksdb::WriteBatch batch;
  engine::check_status(
      batch.Put(family_, rocksdb::Slice(lock_key.data(), lock_key.size()),
                engine::encode_record(engine::RecordKind::kLock, lease.ends(),
                                      lock::encode_lease(lease))),
      "region '" + region_name_ + "': cannot batch a lock");
  engine_.write(batch);
  return LockAttempt{LockGrant{lease.fencing_token, lease.acquired_at}, std::nullopt};
}

void RocksDBBackend::unlock(std::string_view lock_key, std::uint64_t fencing_token) {
  std::lock_guard guard(key_locks_.for_key(lock_key));
  rocksdb::PinnableSlice buffer;
  const auto record = read_record(lock_key, buffer);
  // Delete only our own record, live or expired; another holder's stays.
  if (!record || record->kind != engine::RecordKind::kLock ||
      lock::decode_lease(record->payload).fencing_token != fencing_token)
    return;
  rocksdb::WriteBatch batch;
  batch.Delete(family_, rocksdb::Slice(lock_key.data(), lock_key.size()));
  engine_.write(batch);
}

LockedWriteResult RocksDBBackend::set_locked(std::string_view key, std::string_view value,
                                             ExpiresAt expires_at,
                                             std::string_view lock_key,
                                             std::uint64_t fencing_token) {
  rocksdb::WriteBatch batch;
  put_value(batch, key, value, expires_at);
  const auto guards = key_locks_.lock_all(std::array{key, lock_key});
  const auto lease = live_lease(lock_key, now());
  if (!lease || lease->fencing_token != fencing_token) return LockedWriteResult::kLockLost;
  engine_.write(batch);
  return LockedWriteResult::kApplied;
}

LockedWriteResult RocksDBBackend::erase_locked(std::string_view key,
                                               std::string_view lock_key,
                                               std::uint64_t fencing_token) {
  const auto guards = key_locks_.lock_all(std::array{key, lock_key});
  const auto lease = live_lease(lock_key, now());
  if (!lease || lease->fencing_token != fencing_token) return LockedWriteResult::kLockLost;
  rocksdb::PinnableSlice buffer;
  const auto record = read_record(key, buffer);
  if (!record) return LockedWriteResult::kKeyAbsent;
  const bool was_live = live(key, *record, now());
  rocksdb::WriteBatch batch;
  batch.Delete(family_, rocksdb::Slice(key.data(), key.size()));
  engine_.write(batch);
  return was_live ? LockedWriteResult::kApplied : LockedWriteResult::kKeyAbsent;
}

}  // namespace regionkv
