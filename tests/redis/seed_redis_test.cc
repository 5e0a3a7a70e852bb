// The seed's tests (keystone/tests/test_kvs.py) on the redis store: its
// memcached tests, which pin what a network store does with expiry, manglers
// and lock attempts, and its store-independent KVS tests, run here against a
// real server. The region's clock is a manual one, as in tests/seed/; it
// moves the lock's time rule, not Redis' clock.
#include <gtest/gtest.h>

#include <type_traits>

#include "tests/redis/live_redis.h"
#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {
namespace {

using std::chrono::seconds;

class KVSRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    server_.emplace();
  }

  RegionConfig redis_config() const {
    RegionConfig config;
    config.backing_store = "redis";
    config.backend_args = redis_args(*server_);
    return config;
  }
  Region& configured(RegionConfig config) {
    Region& region = fixture_.region();
    region.configure(std::move(config));
    return region;
  }
  RedisBackend& backend_of(Region& region) { return redis_backend_of(region); }
  // The server's time to live of a stored key: -1 none, -2 no such key.
  long long pttl(Region& region, const std::string& stored_key) {
    return std::stoll(server_->command({"PTTL", backend_of(region).redis_key(stored_key)}));
  }
  // Seed: `lock_key in backend._db`.
  bool holds_lock_record(Region& region, const std::string& lock_key) {
    return server_->command({"EXISTS", backend_of(region).redis_key(lock_key)}) == "1";
  }

  std::optional<RedisServer> server_;
  StoreFixture fixture_;
  const std::string key_foo_ = "foo_" + random_hex();
  const std::string value_foo_ = random_hex();
  const std::string key_bar_ = "bar_" + random_hex();
  const std::string value_bar_ =
      std::string("{'complex_data_structure': '") + '\0' + random_hex() + "'}";
};

TEST_F(KVSRedisTest, KvsRedisManagerNoExpiryKeys) {
  const KeyMangler new_mangler = [](std::string_view key) {
    return "_mangled_key_" + std::string(key);
  };
  const std::set<std::string> no_expiry_keys = {"test_key"};
  RegionConfig config = redis_config();
  config.no_expiry_keys = no_expiry_keys;
  Region& region = configured(config);
  RedisBackend& backend = backend_of(region);

  EXPECT_EQ(backend.key_mangler()("test_key"), xxh3_mangle_key("test_key"));
  EXPECT_EQ(backend.no_expiry_hashed_keys(), std::set<std::string>{xxh3_mangle_key("test_key")});
  EXPECT_EQ(backend.raw_no_expiry_keys(), no_expiry_keys);

  region.set_key_mangler(new_mangler);
  EXPECT_EQ(backend.no_expiry_hashed_keys(), std::set<std::string>{"_mangled_key_test_key"});
  EXPECT_EQ(backend.raw_no_expiry_keys(), no_expiry_keys);
}

TEST_F(KVSRedisTest, KvsRedisKeyManglerSetToNone) {
  RegionConfig config = redis_config();
  config.no_expiry_keys = {"test_key"};
  Region& region = configured(config);
  RedisBackend& backend = backend_of(region);
  ASSERT_TRUE(backend.key_mangler());
  region.set_key_mangler(KeyMangler{});
  EXPECT_EQ(backend.raw_no_expiry_keys(), backend.no_expiry_hashed_keys());
  EXPECT_FALSE(backend.key_mangler());
  region.set("test_key", "raw");
  EXPECT_EQ(pttl(region, "test_key"), -1) << "stored raw, without expiry";
}

TEST_F(KVSRedisTest, NoncallableKeyManglerSetOnDriverRaisesTypeError) {
  static_assert(!std::is_convertible_v<const char*, KeyMangler>);
  static_assert(!std::is_assignable_v<KeyMangler&, const char*>);
  Region& region = configured(redis_config());
  region.set_key_mangler([](std::string_view key) { return "m_" + std::string(key); });
  EXPECT_EQ(region.key_mangler()("k"), "m_k");
}

// Seed (memcached): the set arguments carry the expiry, and none for a
// no-expiry key. Here: the server's PTTL of each key written.
TEST_F(KVSRedisTest, KvsRedisSetArgumentsAndRedisExpiresTtl) {
  const auto expire_time = seconds(86400);
  RegionConfig config = redis_config();
  config.enable_key_mangler = false;
  config.expire_time = expire_time;
  config.backend_args["some_other_arg"] = random_hex();
  config.no_expiry_keys = {key_bar_};
  Region& region = configured(config);

  const auto expires_in_a_day = [&](const std::string& key) {
    const long long left = pttl(region, key);
    return left > 86'400'000 - 60'000 && left <= 86'400'000;
  };
  region.set(key_foo_, value_foo_);
  EXPECT_TRUE(expires_in_a_day(key_foo_));
  region.set(key_bar_, value_bar_);
  EXPECT_EQ(pttl(region, key_bar_), -1);
  region.erase_multi({key_foo_, key_bar_});

  region.set_multi({{key_foo_, value_foo_}});
  EXPECT_TRUE(expires_in_a_day(key_foo_));
  region.set_multi({{key_bar_, value_bar_}});
  EXPECT_EQ(pttl(region, key_bar_), -1);
  EXPECT_EQ(region.get_multi({key_foo_, key_bar_}),
            (std::vector<std::string>{value_foo_, value_bar_}));
}

TEST_F(KVSRedisTest, RedisLockMaxLockAttempts) {
  const std::string test_key = random_hex();
  RegionConfig config = redis_config();
  config.max_lock_attempts = 1;
  Region& region = configured(config);
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

TEST_F(KVSRedisTest, KvsBasicGetSetDelete) {
  Region& kvs = configured(redis_config());
  EXPECT_THROW(kvs.get(key_bar_), NotFound);
  kvs.set(key_bar_, value_bar_);
  EXPECT_EQ(kvs.get(key_bar_), value_bar_);
  kvs.erase(key_bar_);
  EXPECT_THROW(kvs.erase(key_bar_), NotFound);
}

TEST_F(KVSRedisTest, KvsMultiGetSetDelete) {
  Region& kvs = configured(redis_config());
  const std::vector<std::string> keys{key_foo_, key_bar_};
  kvs.set_multi({{key_foo_, value_foo_}, {key_bar_, value_bar_}});
  EXPECT_EQ(kvs.get_multi(keys), (std::vector<std::string>{value_foo_, value_bar_}));
  kvs.erase_multi(keys);
  EXPECT_THROW(kvs.get_multi(keys), NotFound);
  kvs.set(key_foo_, value_foo_);
  EXPECT_THROW(kvs.get_multi(keys), NotFound);
}

TEST_F(KVSRedisTest, KvsLockingContextHandler) {
  RegionConfig config = redis_config();
  config.enable_key_mangler = false;
  Region& kvs = configured(config);
  const std::string lock_key = "_lock" + key_foo_;
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  {
    Lock lock = kvs.get_lock(key_foo_);
    EXPECT_TRUE(holds_lock_record(kvs, lock_key));
  }
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
}

TEST_F(KVSRedisTest, KvsLockingContextHandlerLockingDisabled) {
  RegionConfig config = redis_config();
  config.enable_key_mangler = false;
  config.locking = false;
  Region& kvs = configured(config);
  const std::string lock_key = "_lock" + key_foo_;
  {
    Lock lock = kvs.get_lock(key_foo_);
    EXPECT_TRUE(lock.active());
    EXPECT_EQ(lock.fencing_token(), 0u);
    EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  }
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
}

// Seed: the lock's acquire time moved back. Here the region's manual clock
// moves forward; the region refuses first, and the server's script would
// too (the time rule is in both: lock_steps_test.cc checks the script's).
TEST_F(KVSRedisTest, KvsWithLockActionContextManagerTimeout) {
  RegionConfig config = redis_config();
  config.lock_timeout = seconds(5);
  Region& kvs = configured(config);
  auto do_with_lock_action_timeout = [&](const std::string& key, seconds offset) {
    Lock lock_in_use = kvs.get_lock(key);
    EXPECT_TRUE(lock_in_use.active());
    fixture_.clock->advance(offset);
    kvs.set(key, "value", lock_in_use);
  };
  EXPECT_NO_THROW(do_with_lock_action_timeout(random_hex(), seconds(2)));
  EXPECT_THROW(do_with_lock_action_timeout(random_hex(), seconds(5)), LockTimeout);
  EXPECT_THROW(do_with_lock_action_timeout(random_hex(), seconds(100)), LockTimeout);
}

TEST_F(KVSRedisTest, KvsWithLockActionMismatchedKeys) {
  Region& kvs = configured(redis_config());
  Lock lock_in_use = kvs.get_lock(key_foo_);
  EXPECT_THROW(kvs.set(key_bar_, "value", lock_in_use), std::invalid_argument);
  EXPECT_THROW(kvs.erase(key_bar_, lock_in_use), std::invalid_argument);
}

TEST_F(KVSRedisTest, KvsWithLockActionContextManager) {
  RegionConfig config = redis_config();
  config.enable_key_mangler = false;
  Region& kvs = configured(config);
  const std::string lock_key = "_lock" + key_foo_;
  {
    Lock lock = kvs.get_lock(key_foo_);
    kvs.set(key_foo_, value_foo_, lock);
    EXPECT_TRUE(lock.active());
    EXPECT_TRUE(holds_lock_record(kvs, lock_key));
  }
  EXPECT_FALSE(holds_lock_record(kvs, lock_key));
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
}

TEST_F(KVSRedisTest, KvsWithLockActionContextManagerNoLock) {
  RegionConfig config = redis_config();
  config.enable_key_mangler = false;
  Region& kvs = configured(config);
  kvs.set(key_foo_, value_foo_);
  EXPECT_FALSE(holds_lock_record(kvs, "_lock" + key_foo_));
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
}

}  // namespace
}  // namespace regionkv::testing
