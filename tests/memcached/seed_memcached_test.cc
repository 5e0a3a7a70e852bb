// The seed's memcached tests (keystone/tests/test_kvs.py), one test each,
// against the recording test driver ("TestDriver").
#include <gtest/gtest.h>

#include <stdexcept>
#include <type_traits>

#include "regionkv/regionkv.h"
#include "tests/memcached/recording_memcached_driver.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::seconds;

class KVSMemcachedTest : public ::testing::Test {
 protected:
  void SetUp() override { RecordingMemcachedDriver::register_driver(); }

  static RegionConfig test_driver_config() {
    RegionConfig config;
    config.backing_store = "memcached";
    config.backend_args["memcached_backend"] = kRecordingDriver;
    return config;
  }
  static MemcachedBackend& backend_of(Region& region) {
    return dynamic_cast<MemcachedBackend&>(region.backend());
  }
  static RecordingMemcachedDriver& driver_of(Region& region) {
    return dynamic_cast<RecordingMemcachedDriver&>(backend_of(region).driver());
  }

  StoreFixture fixture_;
  const std::string key_foo_ = "foo_" + random_hex();
  const std::string value_foo_ = random_hex();
  const std::string key_bar_ = "bar_" + random_hex();
  const std::string value_bar_ = "{'complex_data_structure': '" + random_hex() + "'}";
};

TEST_F(KVSMemcachedTest, KvsMemcachedManagerValidDogpileMemcachedBackend) {
  Region& region = fixture_.region();
  region.configure(test_driver_config());
  EXPECT_NE(dynamic_cast<RecordingMemcachedDriver*>(&backend_of(region).driver()), nullptr);
}

TEST_F(KVSMemcachedTest, KvsMemcachedManagerInvalidDogpileMemcachedBackend) {
  Region& region = fixture_.region();
  RegionConfig config = test_driver_config();
  const std::string unknown = random_hex();
  config.backend_args["memcached_backend"] = unknown;
  try {
    region.configure(config);
    FAIL() << "an unknown memcached driver was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(unknown), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("libmemcached"), std::string::npos)
        << "the message lists the valid names: " << error.what();
  }
  EXPECT_FALSE(region.configured());
}

TEST_F(KVSMemcachedTest, KvsMemcacheManagerNoExpiryKeys) {
  const KeyMangler new_mangler = [](std::string_view key) {
    return "_mangled_key_" + std::string(key);
  };
  Region& region = fixture_.region();
  const std::set<std::string> no_expiry_keys = {"test_key"};
  RegionConfig config = test_driver_config();
  config.no_expiry_keys = no_expiry_keys;
  region.configure(config);
  MemcachedBackend& backend = backend_of(region);

  // The default mangler (the seed's sha1_mangle_key, XXH3 here) on both.
  EXPECT_EQ(backend.key_mangler()("test_key"), xxh3_mangle_key("test_key"));
  EXPECT_EQ(backend.no_expiry_hashed_keys(),
            std::set<std::string>{region.key_mangler()("test_key")});
  EXPECT_EQ(backend.raw_no_expiry_keys(), no_expiry_keys);

  region.set_key_mangler(new_mangler);  // seed: backend.key_mangler = ...
  EXPECT_EQ(backend.no_expiry_hashed_keys(), std::set<std::string>{"_mangled_key_test_key"});
  EXPECT_EQ(backend.raw_no_expiry_keys(), no_expiry_keys);
}

TEST_F(KVSMemcachedTest, KvsMemcacheKeyManglerSetToNone) {
  Region& region = fixture_.region();
  RegionConfig config = test_driver_config();
  config.no_expiry_keys = {"test_key"};
  region.configure(config);
  MemcachedBackend& backend = backend_of(region);
  ASSERT_TRUE(backend.key_mangler());

  region.set_key_mangler(KeyMangler{});  // seed: backend.key_mangler = None
  EXPECT_EQ(backend.raw_no_expiry_keys(), backend.no_expiry_hashed_keys());
  EXPECT_FALSE(backend.key_mangler());
}

TEST_F(KVSMemcachedTest, NoncallableKeyManglerSetOnDriverRaisesTypeError) {
  // The seed's TypeError is a compile-time guarantee: a non-callable neither
  // converts nor assigns to a KeyMangler.
  static_assert(!std::is_convertible_v<const char*, KeyMangler>);
  static_assert(!std::is_assignable_v<KeyMangler&, const char*>);
  static_assert(std::is_convertible_v<std::string (*)(std::string_view), KeyMangler>);

  Region& region = fixture_.region();
  region.configure(test_driver_config());
  const KeyMangler callable = [](std::string_view key) { return "m_" + std::string(key); };
  region.set_key_mangler(callable);
  EXPECT_EQ(region.key_mangler()("k"), "m_k");
}

TEST_F(KVSMemcachedTest, KvsMemcacheSetArgumentsAndMemcacheExpiresTtl) {
  const auto memcache_expire_time = seconds(86400);
  const std::map<std::string, std::int64_t> expected_set_args = {{"time", 86400}};
  const std::map<std::string, std::int64_t> expected_no_expiry_args = {};
  Region& region = fixture_.region();
  RegionConfig config = test_driver_config();
  config.enable_key_mangler = false;
  config.expire_time = memcache_expire_time;
  config.backend_args["some_other_arg"] = random_hex();
  config.no_expiry_keys = {key_bar_};
  region.configure(config);
  MemcachedBackend& backend = backend_of(region);
  RecordingMemcachedDriver& driver = driver_of(region);
  const std::string& prefix = backend.key_prefix();

  // The arguments every expiring write gets.
  EXPECT_EQ(backend.expiry_for(fixture_.clock->now() + memcache_expire_time), 86400u);

  region.set(key_foo_, value_foo_);
  EXPECT_EQ(driver.set_arguments_passed(), expected_set_args);
  EXPECT_EQ(driver.keys_values(),
            (std::map<std::string, std::string>{{prefix + key_foo_, value_foo_}}));

  region.set(key_bar_, value_bar_);
  EXPECT_EQ(driver.set_arguments_passed(), expected_no_expiry_args);
  EXPECT_EQ(driver.keys_values(),
            (std::map<std::string, std::string>{{prefix + key_bar_, value_bar_}}));

  region.set_multi({{key_foo_, value_foo_}});
  EXPECT_EQ(driver.set_arguments_passed(), expected_set_args);
  EXPECT_EQ(driver.keys_values(),
            (std::map<std::string, std::string>{{prefix + key_foo_, value_foo_}}));

  region.set_multi({{key_bar_, value_bar_}});
  EXPECT_EQ(driver.set_arguments_passed(), expected_no_expiry_args);
  EXPECT_EQ(driver.keys_values(),
            (std::map<std::string, std::string>{{prefix + key_bar_, value_bar_}}));
}

TEST_F(KVSMemcachedTest, MemcachedLockMaxLockAttempts) {
  Region& region = fixture_.region();
  const std::string test_key = random_hex();
  RegionConfig config = test_driver_config();
  config.max_lock_attempts = 1;
  region.configure(config);
  EXPECT_EQ(region.config().max_lock_attempts, 1);

  {
    Lock lock = region.get_lock(test_key);
    region.set(test_key, "testing", lock);
  }
  EXPECT_EQ(region.get(test_key), "testing");

  const auto lock_within_a_lock = [&](const std::string& key) {
    Lock first_lock = region.get_lock(key);
    region.set(test_key, "lock", first_lock);
    Lock second_lock = region.get_lock(key);
    region.set(key, "lock-within-a-lock", second_lock);
  };
  EXPECT_THROW(lock_within_a_lock(test_key), LockUnavailable);
  EXPECT_EQ(region.get(test_key), "lock");
}

TEST(TestMemcachedBackend, InvalidBackendFailsInitialization) {
  RegionConfig options;
  options.backend_args = {
      {"url", "needed to get to the focus of this test (the backend)"},
      {"memcached_backend", "FakeBackend"},
  };
  try {
    MemcachedBackend backend(options);
    FAIL() << "an unknown memcached driver was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("FakeBackend"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace regionkv::testing
