// Helpers shared by the expiry tests: stores on a manual clock, and a raw
// look at what a RocksDB region holds (expired records included).
#ifndef REGIONKV_TESTS_EXPIRY_EXPIRY_TEST_UTIL_H_
#define REGIONKV_TESTS_EXPIRY_EXPIRY_TEST_UTIL_H_

#include <rocksdb/db.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

inline constexpr milliseconds kExpireTime{10'000};

// A store on a manual clock, with no background sweeper unless asked.
struct ManualStore {
  explicit ManualStore(milliseconds sweep_interval = milliseconds(0))
      : fixture(options_for(sweep_interval)) {}

  static StoreOptions options_for(milliseconds sweep_interval) {
    StoreOptions options;
    options.sweep_interval = sweep_interval;
    return options;
  }
  // Closes the store and opens it again with `options` (the same clock).
  void reopen(StoreOptions options = options_for(milliseconds(0))) {
    fixture.store.reset();
    options.time_source = fixture.clock;
    fixture.store = Store::open(fixture.dir.sub("store"), std::move(options));
  }

  Store& store() { return *fixture.store; }
  ManualTimeSource& clock() { return *fixture.clock; }

  StoreFixture fixture;
};

inline RegionConfig expiring(const std::string& backing_store,
                             std::set<std::string> no_expiry_keys = {}) {
  RegionConfig config;
  config.backing_store = backing_store;
  config.expire_time = kExpireTime;
  config.no_expiry_keys = std::move(no_expiry_keys);
  return config;
}

inline KeyMangler prefix_mangler(std::string prefix) {
  return [prefix](std::string_view key) { return prefix + std::string(key); };
}

// Every stored key in `region`'s column family, live or expired.
inline std::vector<std::string> raw_keys(Store& store, const std::string& region) {
  engine::Engine& engine = StoreInternals::engine(store);
  std::unique_ptr<rocksdb::Iterator> it(
      engine.db().NewIterator(rocksdb::ReadOptions(), engine.find_column_family(region)));
  std::vector<std::string> keys;
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
  return keys;
}

// Whether a record is stored under `stored_key`: on rocksdb any record in
// the region's column family, live or expired; on other stores a live one,
// as the store reads it (an expired one shows in what sweep_now() removes).
inline bool holds_record(Store& store, Region& region, const std::string& stored_key) {
  if (region.config().backing_store != "rocksdb")
    return region.backend().get(stored_key).has_value();
  engine::Engine& engine = StoreInternals::engine(store);
  std::string bytes;
  const rocksdb::Status status =
      engine.db().Get(rocksdb::ReadOptions(), engine.find_column_family(region.name()),
                      stored_key, &bytes);
  return status.ok();
}

inline std::string stored_key(const Region& region, const std::string& key) {
  const KeyMangler mangler = region.key_mangler();
  return mangler ? mangler(key) : key;
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_EXPIRY_EXPIRY_TEST_UTIL_H_
