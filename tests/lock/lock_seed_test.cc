// The seed's lock tests (keystone/tests/test_kvs.py), on the stores a user
// actually picks: "rocksdb" and "memory". tests/seed/test_kvs.cc runs the
// same tests on the seed's fixture backend. Python internals map onto the
// C++ API as there:
//   core.KeyValueStoreLock(kvs._mutex(k), k) -> Region::get_lock(k)
//   kvs._action_with_lock(k, lock)           -> Region::set(k, v, lock)
//   lock.acquire_time -= offset              -> ManualTimeSource::advance(offset)
//   backend._db[lock_key]                    -> the stored lock record
#include <gtest/gtest.h>

#include <string>

#include "tests/lock/lock_test_support.h"

namespace regionkv::testing {
namespace {

using std::chrono::seconds;

class LockSeedTest : public LockStoreTest {
 protected:
  const std::string key_foo_ = "foo_" + random_hex();
  const std::string key_bar_ = "bar_" + random_hex();
  const std::string value_foo_ = random_hex();
};

TEST_P(LockSeedTest, KvsLockingContextHandler) {
  Region& kvs = configured();
  EXPECT_FALSE(stored_token(kvs, key_foo_));
  {
    Lock lock = kvs.get_lock(key_foo_);
    // The seed checks that the record holds 1; ours holds the fencing token.
    EXPECT_EQ(stored_token(kvs, key_foo_), lock.fencing_token());
  }
  EXPECT_FALSE(stored_token(kvs, key_foo_));
}

TEST_P(LockSeedTest, KvsLockingContextHandlerLockingDisabled) {
  RegionConfig c = config();
  c.locking = false;
  Region& kvs = configured(c);
  EXPECT_FALSE(stored_token(kvs, key_foo_));
  {
    Lock lock = kvs.get_lock(key_foo_);
    EXPECT_TRUE(lock.active());
    EXPECT_FALSE(stored_token(kvs, key_foo_));
  }
  EXPECT_FALSE(stored_token(kvs, key_foo_));
}

TEST_P(LockSeedTest, KvsWithLockActionContextManagerTimeout) {
  RegionConfig c = config();
  c.lock_timeout = seconds(5);
  Region& kvs = configured(c);
  // The seed moves the lock's acquire time back by `offset`; moving the
  // clock forward by `offset` is the same.
  auto do_with_lock_action_timeout = [&](const std::string& key, seconds offset) {
    Lock lock_in_use = kvs.get_lock(key);
    EXPECT_TRUE(lock_in_use.active());
    fixture_.clock->advance(offset);
    kvs.set(key, "value", lock_in_use);
  };
  EXPECT_NO_THROW(do_with_lock_action_timeout(random_hex(), seconds(2)));
  // The built-in 1-second overlap makes an offset equal to lock_timeout fail.
  EXPECT_THROW(do_with_lock_action_timeout(random_hex(), seconds(5)), LockTimeout);
  EXPECT_THROW(do_with_lock_action_timeout(random_hex(), seconds(100)), LockTimeout);
}

TEST_P(LockSeedTest, KvsWithLockActionMismatchedKeys) {
  Region& kvs = configured();
  Lock lock_in_use = kvs.get_lock(key_foo_);
  EXPECT_TRUE(lock_in_use.active());
  EXPECT_THROW(kvs.set(key_bar_, "value", lock_in_use), std::invalid_argument);
  EXPECT_THROW(kvs.erase(key_bar_, lock_in_use), std::invalid_argument);
  EXPECT_FALSE(kvs.find(key_bar_));
}

TEST_P(LockSeedTest, KvsWithLockActionContextManager) {
  Region& kvs = configured();
  EXPECT_FALSE(stored_token(kvs, key_foo_));
  {
    Lock lock = kvs.get_lock(key_foo_);
    kvs.set(key_foo_, value_foo_, lock);
    EXPECT_TRUE(lock.active());
    EXPECT_EQ(stored_token(kvs, key_foo_), lock.fencing_token());
  }
  EXPECT_FALSE(stored_token(kvs, key_foo_));
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
}

TEST_P(LockSeedTest, KvsWithLockActionContextManagerNoLock) {
  Region& kvs = configured();
  kvs.set(key_foo_, value_foo_);  // no lock passed: nothing is locked
  EXPECT_FALSE(stored_token(kvs, key_foo_));
  EXPECT_EQ(kvs.get(key_foo_), value_foo_);
}

// Seed: test_memcached_lock_max_lock_attempts, on these stores.
TEST_P(LockSeedTest, LockWithinALockGivesUpAfterMaxLockAttempts) {
  RegionConfig c = config();
  c.max_lock_attempts = 1;
  Region& kvs = configured(c);
  const std::string test_key = random_hex();
  {
    Lock lock = kvs.get_lock(test_key);  // simple lock success
    kvs.set(test_key, "testing", lock);
  }
  Lock first_lock = kvs.get_lock(test_key);
  kvs.set(test_key, "lock", first_lock);
  try {
    Lock second_lock = kvs.get_lock(test_key);
    FAIL() << "a second lock on the same key was granted";
  } catch (const LockUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(test_key), std::string::npos) << e.what();
  }
  EXPECT_EQ(kvs.get(test_key), "lock");
}

INSTANTIATE_TEST_SUITE_P(Stores, LockSeedTest, every_local_store(), store_name);

}  // namespace
}  // namespace regionkv::testing
