#include "region/backends/rocksdb_backend.h"

#include <rocksdb/write_batch.h>

#include "common/describe.h"
#include "common/readable.h"
#include "engine/fencing_reservation.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv {

RocksDBBackend::RocksDBBackend(engine::Engine& engine, std::string region_name)
    : engine_(engine),
      region_name_(std::move(region_name)),
      family_(engine.column_family(region_name_)),
      key_locks_(engine.key_locks(region_name_)),
      fencing_(
          [this]() -> std::optional<std::uint64_t> {
            const auto stored =
                engine_.read_metadata(engine::fencing_reservation_key(region_name_));
            if (!stored) return std::nullopt;
            return engine::read_fencing_bound(region_name_, *stored);
          },
          [this](std::uint64_t bound) {
            engine_.write_metadata_durably(engine::fencing_reservation_key(region_name_),
                                           engine::encode_fencing_bound(bound));
          }) {
  load_leases();
  locks_ = make_native_locks();
}

RocksDBBackend::~RocksDBBackend() = default;

engine::Record RocksDBBackend::decode(std::string_view key,
                                      std::string_view bytes) const {
  try {
    return engine::decode_record(bytes);
  } catch (const Corruption& e) {
    throw Corruption(common::describe_region(region_name_) + ", stored key '" + printable(key) +
                     "': " + e.what());
  }
}

std::optional<engine::Record> RocksDBBackend::read_record(
    std::string_view key, rocksdb::PinnableSlice& buffer) {
  const rocksdb::Status status = engine_.db().Get(
      rocksdb::ReadOptions(), family_, rocksdb::Slice(key.data(), key.size()), &buffer);
  if (status.IsNotFound()) return std::nullopt;
  engine::check_status(status, common::describe_region(region_name_) + ": read failed");
  return decode(key, buffer.ToStringView());
}

bool RocksDBBackend::live(std::string_view key, const engine::Record& record,
                          TimePoint now) const {
  // A lock record is no value, however long its lease has to run.
  return record.kind == engine::RecordKind::kValue &&
         common::is_readable(record.expires_at, now, /*is_lease=*/false,
                             [&] { return is_no_expiry_key(key); });
}

void RocksDBBackend::put_value(rocksdb::WriteBatch& batch, std::string_view key,
                               std::string_view value, ExpiresAt expires_at) {
  engine::check_status(
      batch.Put(family_, rocksdb::Slice(key.data(), key.size()),
                engine::encode_record(engine::RecordKind::kValue, expires_at, value)),
      common::describe_region(region_name_) + ": cannot batch a write");
}

std::optional<std::string> RocksDBBackend::get(std::string_view key) {
  rocksdb::PinnableSlice buffer;
  const auto record = read_record(key, buffer);
  if (!record) return std::nullopt;
  if (!live(key, *record, now())) {
    if (record->kind == engine::RecordKind::kValue) context().count_expired_read();
    return std::nullopt;
  }
  return std::string(record->payload);
}

void RocksDBBackend::set(std::string_view key, std::string_view value,
                         ExpiresAt expires_at) {
  rocksdb::WriteBatch batch;
  put_value(batch, key, value, expires_at);
  std::lock_guard guard(key_locks_.for_key(key));
  engine_.write(batch);
}

bool RocksDBBackend::erase(std::string_view key) {
  std::lock_guard guard(key_locks_.for_key(key));
  return erase_held(key, now());
}

bool RocksDBBackend::erase_held(std::string_view key, TimePoint now) {
  rocksdb::PinnableSlice buffer;
  const auto record = read_record(key, buffer);
  if (!record) return false;
  const bool was_live = live(key, *record, now);
  // An expired value is deleted too: it is garbage either way.
  rocksdb::WriteBatch batch;
  batch.Delete(family_, rocksdb::Slice(key.data(), key.size()));
  engine_.write(batch);
  return was_live;
}

std::vector<std::optional<std::string>> RocksDBBackend::get_multi(
    const std::vector<std::string>& keys) {
  // RocksDB's batched MultiGet for one column family: the keys' lookups
  // share their memtable, filter and block accesses, and values stay pinned
  // where they lie until each is copied out once.
  const std::size_t count = keys.size();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> bytes(count);
  std::vector<rocksdb::Status> statuses(count);
  engine_.db().MultiGet(rocksdb::ReadOptions(), family_, count, slices.data(), bytes.data(),
                        statuses.data());
  std::vector<std::optional<std::string>> values(count);
  std::optional<TimePoint> now;  // read once, and only if a record is found
  for (std::size_t i = 0; i < count; ++i) {
    if (statuses[i].IsNotFound()) continue;
    engine::check_status(statuses[i], common::describe_region(region_name_) + ": read failed");
    const engine::Record record = decode(keys[i], bytes[i].ToStringView());
    if (!now) now = this->now();
    if (live(keys[i], record, *now))
      values[i] = std::string(record.payload);
    else if (record.kind == engine::RecordKind::kValue)
      context().count_expired_read();
  }
  return values;
}

void RocksDBBackend::set_multi(const std::vector<WriteItem>& items) {
  rocksdb::WriteBatch batch;
  std::vector<std::string_view> keys;
  keys.reserve(items.size());
  for (const auto& item : items) {
    put_value(batch, item.key, item.value, item.expires_at);
    keys.push_back(item.key);
  }
  const auto guards = key_locks_.lock_all(keys);
  engine_.write(batch);
}

void RocksDBBackend::erase_multi(const std::vector<std::string>& keys) {
  rocksdb::WriteBatch batch;
  for (const auto& key : keys) batch.Delete(family_, key);
  const auto guards = key_locks_.lock_all(keys);
  engine_.write(batch);
}

}  // namespace regionkv
