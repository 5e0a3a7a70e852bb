// The seed's test module (keystone/tests/test_kvs.py), one C++ test per
// Python test and named after it. The memcached tests live in
// tests/memcached/. Python internals map onto the C++ API as follows:
//   kvs._region.backend         -> Region::backend()
//   kvs._region.key_mangler     -> Region::key_mangler()
//   kvs._set_key_mangler        -> Region::set_key_mangler()
//   kvs._action_with_lock(k, l) -> Region::set(k, v, l) / erase(k, l)
//   lock_key in backend._db     -> Region::backend().get(lock_key): the memory
//                                  store reads a live lock record as its bytes
//   lock.acquire_time -= offset -> ManualTimeSource::advance(offset)
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "regionkv/regionkv.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::seconds;
using MangleFunction = std::string (*)(std::string_view);

// The function a KeyMangler wraps, or nullptr if it wraps something else.
MangleFunction target_of(const KeyMangler& mangler) {
  const auto* target = mangler.target<MangleFunction>();
  return target ? *target : nullptr;
}

std::string identity_mangler(std::string_view key) { return std::string(key); }

class KVSTest : public ::testing::Test {
 protected:
  void SetUp() override { register_seed_fixtures(); }

  Region& kvs_region(const std::string& name = random_hex()) {
    return fixture_.region(name);
  }
  static RegionConfig config(const std::string& backing_store) {
    RegionConfig config;
    config.backing_store = backing_store;
    return config;
  }
  static RegionConfig unmangled(const std::string& backing_store) {
    RegionConfig c = config(backing_store);
    c.enable_key_mangler = false;  // seed: config(group='kvs', enable_key_mangler=False)
    return c;
  }
  static bool holds_lock_record(Region& kvs, const std::string& lock_key) {
    return kvs.backend().get(lock_key).has_value();
  }

  StoreFixture fixture_;
  const std::string key_foo_ = "foo_" + random_hex();
  const std::string value_foo_ = random_hex();
  const std::string key_bar_ = "bar_" + random_hex();
  // The seed stores a dict; here a structured value with a NUL byte.
  const std::string value_bar_ =
      std::string("{'complex_data_structure': '") + '\0' + random_hex() + "'}";
};

TEST_F(KVSTest, KvsBasicConfiguration) {
  const std::string region_one = random_hex();
  const std::string region_two = random_hex();
  Region& one = kvs_region(region_one);
  one.configure(config("memory"));
  EXPECT_NE(dynamic_cast<MemoryBackend*>(&one.backend()), nullptr);
  EXPECT_EQ(one.name(), region_one);

  Region& two = kvs_region(region_two);
  RegionConfig with_arg = config(kBackendFixture);
  with_arg.backend_args["test_arg"] = "100";
  two.configure(with_arg);
  EXPECT_EQ(two.name(), region_two);
  auto* backend = dynamic_cast<KVSBackendFixture*>(&two.backend());
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->test_arg, "100");
}

TEST_F(KVSTest, KvsProxyConfiguration) {
  Region& kvs = kvs_region();
  RegionConfig c = config("memory");
  c.proxies = {kProxyFixture, kProxy2Fixture};
  kvs.configure(c);
  auto* outer = dynamic_cast<RegionProxyFixture*>(&kvs.backend());
  ASSERT_NE(outer, nullptr);
  auto* inner = dynamic_cast<RegionProxy2Fixture*>(&outer->proxied());
  ASSERT_NE(inner, nullptr);
  EXPECT_NE(dynamic_cast<MemoryBackend*>(&inner->proxied()), nullptr);
}

TEST_F(KVSTest, KvsKeyManglerFallthroughDefault) {
  Region& kvs = kvs_region();
  kvs.configure(config("memory"));
  EXPECT_EQ(target_of(kvs.key_mangler()), &xxh3_mangle_key);
  // The backend holds the same mangler as the region.
  EXPECT_EQ(target_of(kvs.backend().key_mangler()), &xxh3_mangle_key);
}

TEST_F(KVSTest, KvsKeyManglerConfigurationBackend) {
  Region& kvs = kvs_region();
  kvs.configure(config(kBackendFixture));
  EXPECT_EQ(kvs.key_mangler()(key_foo_), "KVSBackend_" + key_foo_);
}

TEST_F(KVSTest, KvsKeyManglerConfigurationForcedBackend) {
  Region& kvs = kvs_region();
  RegionConfig c = config(kForcedBackendFixture);
  c.key_mangler = xxh3_key_mangler();
  kvs.configure(c);
  EXPECT_EQ(kvs.key_mangler()(key_foo_), "KVSBackendForcedKeyMangle_" + key_foo_);
}

TEST_F(KVSTest, KvsKeyManglerConfigurationDisabled) {
  Region& kvs = kvs_region();
  kvs.configure(unmangled("memory"));
  EXPECT_FALSE(kvs.key_mangler());
  EXPECT_FALSE(kvs.backend().key_mangler());
}

TEST_F(KVSTest, KvsKeyManglerSetOnBackend) {
  Region& kvs = kvs_region();
  kvs.configure(config("memory"));
  EXPECT_EQ(target_of(kvs.backend().key_mangler()), &xxh3_mangle_key);
  kvs.set_key_mangler(&identity_mangler);
  EXPECT_EQ(target_of(kvs.backend().key_mangler()), &identity_mangler);
}

TEST_F(KVSTest, KvsBasicGetSetDelete) {
  Region& kvs = kvs_region();
  kvs.configure(config("memory"));
  EXPECT_THROW(kvs.get(key_bar_), NotFound);
  kvs.set(key_bar_, value_bar_);
  const std::string returned_value = kvs.get(key_bar_);
  EXPECT_EQ(returned_value, value_bar_);
  // Not the object given to set(): a copy of the stored bytes.
  EXPECT_NE(returned_value.data(), value_bar_.data());
  kvs.erase(key_bar_);
  EXPECT_THROW(kvs.erase(key_bar_), NotFound);
}

TEST_F(KVSTest, KvsMultiGetSetDelete) {
  Region& kvs = kvs_region();
  kvs.configure(config("memory"));
  const std::vector<std::string> keys{key_foo_, key_bar_};
  kvs.set_multi({{key_foo_, value_foo_}, {key_bar_, value_bar_}});
  EXPECT_EQ(kvs.get_multi(keys), (std::vector<std::string>{value_foo_, value_bar_}));
  kvs.erase_multi(keys);
  EXPECT_THROW(kvs.get_multi(keys), NotFound);
  EXPECT_THROW(kvs.get(key_foo_), NotFound);
  EXPECT_THROW(kvs.get(key_bar_), NotFound);
  kvs.set(key_foo_, value_foo_);
  EXPECT_THROW(kvs.get_multi(keys), NotFound);
}

TEST_F(KVSTest, KvsLockingContextHandler) {
  Region& kvs = kvs_region();
  kvs.configure(unmangled(kBackendFixture));
  const std::string lock_key = "_lock" + key_foo_;
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  {
    Lock lock = kvs.get_lock(key_foo_);
    EXPECT_TRUE(holds_lock_record(kvs, lock_key));
  }
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
}

TEST_F(KVSTest, KvsLockingContextHandlerLockingDisabled) {
  Region& kvs = kvs_region();
  RegionConfig c = unmangled(kBackendFixture);
  c.locking = false;
  kvs.configure(c);
  const std::string lock_key = "_lock" + key_foo_;
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  {
    Lock lock = kvs.get_lock(key_foo_);
    EXPECT_TRUE(lock.active());
    EXPECT_EQ(lock.fencing_token(), 0u);
    EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  }
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
}

TEST_F(KVSTest, KvsWithLockActionContextManagerTimeout) {
  Region& kvs = kvs_region();
  RegionConfig c = config("memory");
  c.lock_timeout = seconds(5);
  kvs.configure(c);
  // The seed moves the lock's acquire time back by `offset`; moving the
  // clock forward by `offset` is the same.
  auto do_with_lock_action_timeout = [&](const std::string& key, seconds offset) {
    Lock lock_in_use = kvs.get_lock(key);
    EXPECT_TRUE(lock_in_use.active());
    fixture_.clock->advance(offset);
    kvs.set(key, "value", lock_in_use);
  };
  // Not timed out: 2 s into a 5 s timeout.
  EXPECT_NO_THROW(do_with_lock_action_timeout(random_hex(), seconds(2)));
  // The built-in 1-second overlap makes an offset equal to lock_timeout fail.
  EXPECT_THROW(do_with_lock_action_timeout(random_hex(), seconds(5)), LockTimeout);
  EXPECT_THROW(do_with_lock_action_timeout(random_hex(), seconds(100)), LockTimeout);
}

TEST_F(KVSTest, KvsWithLockActionMismatchedKeys) {
  Region& kvs = kvs_region();
  kvs.configure(config("memory"));
  Lock lock_in_use = kvs.get_lock(key_foo_);
  EXPECT_TRUE(lock_in_use.active());
  EXPECT_THROW(kvs.set(key_bar_, "value", lock_in_use), std::invalid_argument);
  EXPECT_THROW(kvs.erase(key_bar_, lock_in_use), std::invalid_argument);
}

TEST_F(KVSTest, KvsWithLockActionContextManager) {
  Region& kvs = kvs_region();
  kvs.configure(unmangled(kBackendFixture));
  const std::string lock_key = "_lock" + key_foo_;
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  {
    Lock lock = kvs.get_lock(key_foo_);
    kvs.set(key_foo_, value_foo_, lock);
    EXPECT_TRUE(lock.active());
    EXPECT_TRUE(holds_lock_record(kvs, lock_key));
  }
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
}

TEST_F(KVSTest, KvsWithLockActionContextManagerNoLock) {
  Region& kvs = kvs_region();
  kvs.configure(unmangled(kBackendFixture));
  const std::string lock_key = "_lock" + key_foo_;
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  kvs.set(key_foo_, value_foo_);  // no lock passed: nothing is locked
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
}

// Seed: registering the backends again (as setUp did) raises nothing. Here,
// registering everything again also changes nothing: the same names, the
// regions configured before keep their stores and data, and a region
// configured after gets the same kinds of store.
TEST_F(KVSTest, KvsBackendRegistrationDoesNotReregisterBackends) {
  Region& kvs = kvs_region();
  kvs.configure(config("memory"));
  kvs.set(key_foo_, value_foo_);
  const std::vector<std::string> backends = registered_backends();
  const std::vector<std::string> proxies = registered_proxies();

  EXPECT_NO_THROW(register_seed_fixtures());
  EXPECT_NO_THROW(register_backend("memory", [](const RegionConfig& c) {
    return std::make_unique<MemoryBackend>(c);
  }));

  EXPECT_EQ(registered_backends(), backends);
  EXPECT_EQ(registered_proxies(), proxies);
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
  Region& after = kvs_region();
  after.configure(config(kBackendFixture));
  EXPECT_NE(dynamic_cast<KVSBackendFixture*>(&after.backend()), nullptr);
  Region& persistent = kvs_region();
  persistent.configure(config("rocksdb"));
  persistent.set(key_foo_, value_foo_);
  const std::vector<std::string> regions = fixture_.store->region_names();
  EXPECT_NE(std::find(regions.begin(), regions.end(), persistent.name()), regions.end())
      << "the built-in rocksdb store no longer keeps its region in a column family";
}

}  // namespace
}  // namespace regionkv::testing
