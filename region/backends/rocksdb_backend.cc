#include "region/backends/rocksdb_backend.h"

#include <rocksdb/write_batch.h>

#include "engine/printable.h"
#include "engine/record.h"
#include "regionkv/errors.h"

namespace regionkv {

RocksDBBackend::RocksDBBackend(engine::Engine& engine, std::string region_name)
    : engine_(engine),
      region_name_(std::move(region_name)),
      family_(engine.column_family(region_name_)) {}

std::optional<std::string> RocksDBBackend::live_value(std::string_view key,
                                                      std::string_view bytes,
                                                      TimePoint now) {
  engine::Record record;
  try {
    record = engine::decode_record(bytes);
  } catch (const Corruption& e) {
    throw Corruption("region '" + region_name_ + "', stored key '" +
                     engine::printable(key) + "': " + e.what());
  }
  if (!record.live_at(now) && !is_no_expiry_key(key)) return std::nullopt;
  return std::string(record.payload);
}

std::optional<std::string> RocksDBBackend::get(std::string_view key) {
  rocksdb::PinnableSlice bytes;
  const rocksdb::Status status = engine_.db().Get(
      rocksdb::ReadOptions(), family_, rocksdb::Slice(key.data(), key.size()),
      &bytes);
  if (status.IsNotFound()) return std::nullopt;
  engine::check_status(status, "region '" + region_name_ + "': read failed");
  return live_value(key, bytes.ToStringView(), now());
}

void RocksDBBackend::set(std::string_view key, std::string_view value,
                         ExpiresAt expires_at) {
  rocksdb::WriteBatch batch;
  batch.Put(family_, rocksdb::Slice(key.data(), key.size()),
            engine::encode_record(engine::RecordKind::kValue, expires_at, value));
  engine_.write(batch);
}

bool RocksDBBackend::erase(std::string_view key) {
  const bool was_live = get(key).has_value();
  rocksdb::WriteBatch batch;
  batch.Delete(family_, rocksdb::Slice(key.data(), key.size()));
  engine_.write(batch);
  return was_live;
}

std::vector<std::optional<std::string>> RocksDBBackend::get_multi(
    const std::vector<std::string>& keys) {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::ColumnFamilyHandle*> families(keys.size(), family_);
  std::vector<std::string> bytes;
  const std::vector<rocksdb::Status> statuses = engine_.db().MultiGet(
      rocksdb::ReadOptions(), families, slices, &bytes);
  const TimePoint now = this->now();
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      values.emplace_back();
      continue;
    }
    engine::check_status(statuses[i], "region '" + region_name_ + "': read failed");
    values.push_back(live_value(keys[i], bytes[i], now));
  }
  return values;
}

void RocksDBBackend::set_multi(const std::vector<WriteItem>& items) {
  rocksdb::WriteBatch batch;
  for (const auto& item : items)
    batch.Put(family_, item.key,
              engine::encode_record(engine::RecordKind::kValue, item.expires_at,
                                    item.value));
  engine_.write(batch);
}

void RocksDBBackend::erase_multi(const std::vector<std::string>& keys) {
  rocksdb::WriteBatch batch;
  for (const auto& key : keys) batch.Delete(family_, key);
  engine_.write(batch);
}

}  // namespace regionkv
