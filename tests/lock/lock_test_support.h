// What the lock tests share: a store with a manual clock, a region on the
// backing store named by the test parameter — "rocksdb", "memory", or
// "values_only" (a store with only get/set/erase, locked through
// lock::DefaultLocks) — and a look at the lock record as stored.
#ifndef REGIONKV_TESTS_LOCK_LOCK_TEST_SUPPORT_H_
#define REGIONKV_TESTS_LOCK_LOCK_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "engine/record.h"
#include "lock/lease_record.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/seed_fixtures.h"
#include "tests/support/values_only_store.h"

namespace regionkv::testing {

// The region's default lease: lock_timeout (5 s) + 1 s.
inline constexpr std::chrono::milliseconds kDefaultLease{6000};

class LockStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { register_values_only_store(); }

  // The parameter's backing store; keys stored raw, so that the lock record
  // of key k is "_lock" + k (as in the seed's tests).
  RegionConfig config() const {
    RegionConfig c;
    c.backing_store = GetParam();
    c.enable_key_mangler = false;
    return c;
  }
  Region& configured(const RegionConfig& c) {
    Region& region = fixture_.region();
    region.configure(c);
    return region;
  }
  Region& configured() { return configured(config()); }

  // The fencing token of the lock record stored for raw key `key`, nullopt
  // if there is none: on rocksdb the record on disk, live or spent; on the
  // other stores the live record, as the store reads it.
  std::optional<std::uint64_t> stored_token(Region& region, std::string_view key) {
    const std::string lock_key = "_lock" + std::string(key);
    if (GetParam() != "rocksdb") {
      const auto bytes = region.backend().get(lock_key);
      if (!bytes) return std::nullopt;
      return lock::decode_lease(*bytes).fencing_token;
    }
    engine::Engine& engine = StoreInternals::engine(*fixture_.store);
    std::string bytes;
    const rocksdb::Status status =
        engine.db().Get(rocksdb::ReadOptions(), engine.find_column_family(region.name()),
                        lock_key, &bytes);
    if (status.IsNotFound()) return std::nullopt;
    EXPECT_TRUE(status.ok()) << status.ToString();
    const engine::Record record = engine::decode_record(bytes);
    EXPECT_EQ(record.kind, engine::RecordKind::kLock);
    return lock::decode_lease(record.payload).fencing_token;
  }

  StoreFixture fixture_;
};

inline std::string store_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

// Every store whose locks these tests pin down (memcached's, on servers,
// are in tests/memcached/).
inline auto every_local_store() {
  return ::testing::Values("rocksdb", "memory", kValuesOnlyStore);
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_LOCK_LOCK_TEST_SUPPORT_H_
