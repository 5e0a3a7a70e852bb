#include "engine/no_expiry_keys.h"

#include <algorithm>

#include "common/describe.h"
#include "common/little_endian.h"
#include "engine/engine.h"

namespace regionkv::engine {

std::string NoExpiryKeys::metadata_key(std::string_view region) {
  return "no_expiry_keys/" + std::string(region);
}

std::string NoExpiryKeys::encode(const KeySet& keys) {
  std::string out;
  common::append_u32(out, static_cast<std::uint32_t>(keys.size()));
  for (const auto& key : keys) {
    common::append_u32(out, static_cast<std::uint32_t>(key.size()));
    out.append(key);
  }
  return out;
}

std::optional<NoExpiryKeys::KeySet> NoExpiryKeys::decode(std::string_view bytes) {
  if (bytes.size() < 4) return std::nullopt;
  const std::uint32_t count = common::read_u32(bytes, 0);
  std::size_t offset = 4;
  KeySet keys;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (bytes.size() - offset < 4) return std::nullopt;
    const std::uint32_t size = common::read_u32(bytes, offset);
    offset += 4;
    if (bytes.size() - offset < size) return std::nullopt;
    keys.emplace(bytes.substr(offset, size));
    offset += size;
  }
  if (offset != bytes.size()) return std::nullopt;
  return keys;
}

NoExpiryKeys::NoExpiryKeys(std::string region) : region_(std::move(region)) {}

void NoExpiryKeys::load(rocksdb::DB& db) {
  db_ = &db;
  std::string bytes;
  const rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), metadata_key(region_), &bytes);
  if (status.IsNotFound()) return;
  check_status(status, common::describe_region(region_) + ": cannot read its no-expiry keys");
  // A malformed set is treated as unknown: values are spared until the
  // region is configured again, which rewrites it.
  if (auto keys = decode(bytes))
    publish(std::make_shared<const KeySet>(std::move(*keys)));
}

std::shared_ptr<const NoExpiryKeys::KeySet> NoExpiryKeys::snapshot() const {
  std::lock_guard lock(pointer_mutex_);
  return keys_;
}

std::shared_lock<std::shared_mutex> NoExpiryKeys::hold_steady() const {
  return std::shared_lock(change_mutex_);
}

void NoExpiryKeys::publish(std::shared_ptr<const KeySet> keys) {
  std::lock_guard lock(pointer_mutex_);
  keys_ = std::move(keys);
}

void NoExpiryKeys::replace(KeySet next, const std::function<void()>& switch_backend) {
  const std::shared_ptr<const KeySet> current = snapshot();
  // Persist first: if that fails, nothing has changed. Outside replace() the
  // published set is the persisted one, so an equal set needs no write.
  if (!current || *current != next) {
    check_status(db_->Put(rocksdb::WriteOptions(), metadata_key(region_), encode(next)),
                 common::describe_region(region_) + ": cannot persist its no-expiry keys");
  }
  auto next_keys = std::make_shared<const KeySet>(std::move(next));

  // An unknown set spares every value already, so only a known set that
  // lacks some of the new keys needs widening.
  if (current && !std::includes(current->begin(), current->end(), next_keys->begin(),
                                next_keys->end())) {
    auto widened = std::make_shared<KeySet>(*current);
    widened->insert(next_keys->begin(), next_keys->end());
    {
      std::unique_lock change(change_mutex_);  // waits for sweep batches
      publish(std::move(widened));
    }
    // A compaction whose filter was made before the widen may still drop a
    // record of a new key. PauseBackgroundWork returns once every running
    // flush and compaction has finished; later filters see the widened set.
    check_status(db_->PauseBackgroundWork(),
                 common::describe_region(region_) + ": cannot wait for compactions");
    db_->ContinueBackgroundWork().PermitUncheckedError();
  }

  switch_backend();  // if it throws, the (wider) published set stays: safe

  std::unique_lock change(change_mutex_);
  publish(std::move(next_keys));
}

}  // namespace regionkv::engine
