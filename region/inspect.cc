// inspect_store: reads every region of a store through a secondary
// instance and classifies each entry (region/region_inspector.h), then makes
// sure the store opens as Store::open would open it, since the secondary
// instance hides some damage (engine/secondary_db.cc).
#include "regionkv/inspect.h"

#include <memory>

#include "common/describe.h"
#include "engine/engine.h"
#include "engine/no_expiry_keys.h"
#include "engine/secondary_db.h"
#include "lock/lease_record.h"
#include "region/engine_stats.h"
#include "region/region_inspector.h"
#include "regionkv/printable.h"

namespace regionkv {
namespace {

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "'" : ", '") + printable(name) + "'";
  return out;
}

// Runs `step`. With OnReadError::kReturnWhatWasRead, a Corruption or
// StorageError it throws becomes the snapshot's error (the first one is kept)
// and the caller goes on with what it can still read.
template <typename Step>
void read_step(const InspectOptions& options, StoreSnapshot& snapshot, Step&& step) {
  if (options.on_read_error == InspectOptions::OnReadError::kThrow) {
    step();
    return;
  }
  try {
    step();
  } catch (const Corruption& e) {
    if (!snapshot.error) snapshot.error = ReadError{.damage = true, .message = e.what()};
  } catch (const StorageError& e) {
    if (!snapshot.error) snapshot.error = ReadError{.damage = false, .message = e.what()};
  }
}

// The region's no-expiry keys as the store persisted them; nullopt when it
// holds none, or none that decodes (the sweeper then spares every value).
std::optional<engine::NoExpiryKeys::KeySet> persisted_no_expiry_keys(engine::SecondaryDb& secondary,
                                                                     const std::string& region) {
  std::string bytes;
  const rocksdb::Status status =
      secondary.db().Get(rocksdb::ReadOptions(), secondary.db().DefaultColumnFamily(),
                         engine::NoExpiryKeys::metadata_key(region), &bytes);
  if (status.IsNotFound()) return std::nullopt;
  engine::check_status(
      status, "cannot read the no-expiry keys of " + common::describe_region(printable(region)));
  return engine::NoExpiryKeys::decode(bytes);
}

// Gives `inspector` what the region stores at `stored_key` and at its lock
// record's key, each found by a seek.
void read_one_key(rocksdb::Iterator& it, const std::string& stored_key,
                  inspection::RegionInspector& inspector) {
  for (const std::string& key : {stored_key, std::string(lock::kLockKeyPrefix) + stored_key}) {
    it.Seek(key);
    if (it.Valid() && it.key() == key) inspector.add(key, it.value().ToStringView());
  }
}

void check_stored_key(const InspectOptions& options) {
  if (options.stored_key && options.stored_key->starts_with(lock::kLockKeyPrefix))
    throw std::invalid_argument("stored key '" + printable(*options.stored_key) +
                                "' starts with '" + std::string(lock::kLockKeyPrefix) +
                                "': that is a lock record's key; look up the key it protects");
}

}  // namespace

std::optional<std::set<std::string>> inspect_no_expiry_keys(const std::filesystem::path& dir,
                                                            const std::string& region) {
  const auto secondary = engine::SecondaryDb::open(dir);
  if (!secondary->family(region)) return std::nullopt;
  auto keys = persisted_no_expiry_keys(*secondary, region);
  if (!keys) return std::nullopt;
  return std::set<std::string>(keys->begin(), keys->end());
}

StoreStats inspect_store_stats(const std::filesystem::path& dir) {
  const auto secondary = engine::SecondaryDb::open(dir);
  engine::check_store_opens(dir);
  StoreStats stats;
  stats.taken_at = system_time_source()->now();
  engine::Engine::NamedColumnFamilies regions;
  for (const std::string& name : secondary->region_names()) {
    regions.emplace_back(name, secondary->family(name));
    stats.regions.push_back(RegionStats{.name = name});
  }
  stats.engine = collect_engine_stats(secondary->db(), regions, dir);
  // The secondary's cache is its own, not the owner's.
  stats.engine.block_cache_hits = stats.engine.block_cache_misses = 0;
  stats.engine.block_cache_bytes = stats.engine.block_cache_capacity = 0;
  return stats;
}

StoreSnapshot inspect_store(const std::filesystem::path& dir, const InspectOptions& options) {
  check_stored_key(options);
  StoreSnapshot snapshot;
  std::unique_ptr<engine::SecondaryDb> secondary;
  if (options.on_read_error == InspectOptions::OnReadError::kThrow) {
    secondary = engine::SecondaryDb::open(dir);
  } else {
    std::optional<Corruption> damage;
    secondary = engine::SecondaryDb::open_up_to_damage(dir, &damage);
    if (damage)
      snapshot.error = ReadError{
          .damage = true,
          .message = std::string(damage->what()) + " (shown: the store up to that damage)"};
  }
  snapshot.now = options.now.value_or(system_time_source()->now());

  std::vector<std::string> names = secondary->region_names();
  if (options.region) {
    if (!secondary->family(*options.region))
      throw NotFound(common::describe_region(printable(*options.region)) + " is not in store " +
                     dir.string() + " (regions: " + list_names(names) + ")");
    names = {*options.region};
  }

  const rocksdb::ReadOptions read = engine::SecondaryDb::scan_options();
  for (const auto& name : names) {
    std::optional<engine::NoExpiryKeys::KeySet> no_expiry_keys;
    read_step(options, snapshot,
              [&] { no_expiry_keys = persisted_no_expiry_keys(*secondary, name); });
    inspection::RegionInspector inspector(options, snapshot.now, name, std::move(no_expiry_keys));
    read_step(options, snapshot, [&] {
      std::unique_ptr<rocksdb::Iterator> it(
          secondary->db().NewIterator(read, secondary->family(name)));
      if (options.stored_key)
        read_one_key(*it, *options.stored_key, inspector);
      else
        for (it->SeekToFirst(); it->Valid(); it->Next())
          inspector.add(it->key().ToStringView(), it->value().ToStringView());
      engine::check_status(it->status(), "cannot read " + common::describe_region(printable(name)) +
                                             " of store " + dir.string());
    });
    snapshot.regions.push_back(inspector.take());
  }
  // What was read is complete only if nothing hid damage from the secondary.
  if (!snapshot.error) read_step(options, snapshot, [&] { engine::check_store_opens(dir); });
  if (options.verify && !snapshot.error)
    read_step(options, snapshot, [&] { secondary->verify_checksums(); });
  return snapshot;
}

}  // namespace regionkv
