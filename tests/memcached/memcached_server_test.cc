// The memcached backing store against one real memcached server.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "lock/lease_record.h"
#include "tests/memcached/live_memcached.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class OneMemcachedServer : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_MEMCACHED();
    server_.emplace();
  }

  Region& region(RegionConfig config = {}, const std::string& name = random_hex()) {
    return client_.region(name, server_->address(), std::move(config));
  }

  std::optional<MemcachedServer> server_;
  MemcachedClient client_;
};

// The lease record a region keeps for `key` (mangled by the default mangler).
std::optional<lock::LeaseRecord> lock_record(Region& region, const std::string& key) {
  const auto bytes = region.backend().get(lock::lock_record_key(xxh3_mangle_key(key)));
  if (!bytes) return std::nullopt;
  return lock::decode_lease(*bytes);
}

TEST_F(OneMemcachedServer, ValuesRoundTrip) {
  Region& r = region();
  EXPECT_THROW(r.get("absent"), NotFound);
  r.set("a", "1");
  EXPECT_EQ(r.get("a"), "1");
  r.set("a", std::string("bin\0ary\r\nvalue", 14));
  EXPECT_EQ(r.get("a"), std::string("bin\0ary\r\nvalue", 14));
  r.set_multi({{"b", "2"}, {"c", "3"}});
  EXPECT_EQ(r.get_multi({"c", "a", "b"}),
            (std::vector<std::string>{"3", std::string("bin\0ary\r\nvalue", 14), "2"}));
  EXPECT_THROW(r.get_multi({"a", "nope"}), NotFound);
  r.erase("a");
  EXPECT_FALSE(r.find("a"));
  EXPECT_THROW(r.erase("a"), NotFound);
  r.erase_multi({"b", "c", "never-there"});
  EXPECT_FALSE(r.find("b"));
  EXPECT_FALSE(r.find("c"));
}

TEST_F(OneMemcachedServer, TwoClientsOfOneRegionShareItsValues) {
  MemcachedClient other;
  Region& mine = region({}, "shared");
  Region& theirs = other.region("shared", server_->address());
  mine.set("k", "from-mine");
  EXPECT_EQ(theirs.get("k"), "from-mine");
}

TEST_F(OneMemcachedServer, RegionsSharingAServerStayApart) {
  Region& first = region();
  Region& second = region();
  first.set("k", "first");
  second.set("k", "second");
  EXPECT_EQ(first.get("k"), "first");
  EXPECT_EQ(second.get("k"), "second");
}

TEST_F(OneMemcachedServer, ValuesExpireOnTheServerButNoExpiryKeysStay) {
  RegionConfig config;
  config.expire_time = milliseconds(1000);
  config.no_expiry_keys = {"forever"};
  Region& r = region(config);
  r.set("brief", "v");
  r.set("forever", "v");
  EXPECT_EQ(r.get("brief"), "v");
  // One second, rounded up by the server's whole-second clock.
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_FALSE(r.find("brief"));
  EXPECT_EQ(r.get("forever"), "v");
}

TEST_F(OneMemcachedServer, LargestValueIsStoredAndOneByteMoreIsRefusedBeforeSending) {
  Region& r = region();
  const std::size_t limit = r.backend().max_value_size();
  const std::string largest(limit, 'v');
  r.set("largest", largest);
  EXPECT_EQ(r.get("largest"), largest);
  EXPECT_THROW(r.set("too-big", std::string(limit + 1, 'v')), std::invalid_argument);
  EXPECT_FALSE(r.find("too-big"));
}

TEST_F(OneMemcachedServer, LargerValuesNeedALargerServerItemSize) {
  MemcachedServer big_items({"-I", "2m"});
  RegionConfig config;
  config.backend_args["max_value_size"] = std::to_string((std::size_t{2} << 20) - 1024);
  Region& r = client_.region(random_hex(), big_items.address(), config);
  const std::string value((std::size_t{3} << 20) / 2, 'v');  // 1.5 MiB
  r.set("big", value);
  EXPECT_EQ(r.get("big"), value);
}

TEST_F(OneMemcachedServer, ServerRefusingAValueIsInvalidArgumentNotACrash) {
  // The region believes in 2 MiB, the server stores 1 MiB.
  RegionConfig config;
  config.backend_args["max_value_size"] = std::to_string(std::size_t{2} << 20);
  Region& r = region(config);
  EXPECT_THROW(r.set("big", std::string((std::size_t{3} << 20) / 2, 'v')), std::invalid_argument);
  r.set("small", "still served");
  EXPECT_EQ(r.get("small"), "still served");
}

TEST_F(OneMemcachedServer, KeysOverTheLimitAreRefused) {
  RegionConfig config;
  config.enable_key_mangler = false;
  Region& r = region(config);
  const std::size_t longest = r.backend().max_key_size() - lock::kLockKeyPrefix.size();
  const std::string key(longest, 'k');
  r.set(key, "v");
  EXPECT_EQ(r.get(key), "v");
  {
    Lock lock = r.get_lock(key);  // its record's key is 250 bytes on the wire
    r.set(key, "locked", lock);
  }
  EXPECT_EQ(r.get(key), "locked");
  EXPECT_THROW(r.set(std::string(longest + 1, 'k'), "v"), std::invalid_argument);
}

TEST_F(OneMemcachedServer, AsciiProtocolRefusesKeysWithSpacesAndBinaryCarriesThem) {
  RegionConfig config;
  config.enable_key_mangler = false;
  Region& ascii = region(config);
  EXPECT_THROW(ascii.set("two words", "v"), std::invalid_argument);

  config.backend_args["protocol"] = "binary";
  Region& binary = region(config);
  binary.set("two words", "v");
  binary.set(std::string("line\nbreak", 10), "w");
  EXPECT_EQ(binary.get("two words"), "v");
  EXPECT_EQ(binary.get(std::string("line\nbreak", 10)), "w");
}

TEST_F(OneMemcachedServer, BinaryProtocolServesValuesAndLocks) {
  RegionConfig config;
  config.backend_args["protocol"] = "binary";
  config.max_lock_attempts = 2;
  Region& r = region(config);
  r.set_multi({{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(r.get_multi({"b", "a"}), (std::vector<std::string>{"2", "1"}));
  std::uint64_t first_token = 0;
  {
    Lock lock = r.get_lock("a");
    first_token = lock.fencing_token();
    r.set("a", "locked", lock);
  }
  EXPECT_FALSE(lock_record(r, "a"));
  Lock again = r.get_lock("a");
  EXPECT_GT(again.fencing_token(), first_token);
  // A refused add answers (quietly) with an error the read after it skips.
  EXPECT_THROW(r.get_lock("a"), LockUnavailable);
  EXPECT_EQ(r.get("a"), "locked");
}

TEST_F(OneMemcachedServer, LockCyclesLeaveNoRecordAndTokensIncrease) {
  Region& r = region();
  std::uint64_t previous = 0;
  for (int i = 0; i < 5; ++i) {
    Lock lock = r.get_lock("k");
    EXPECT_GT(lock.fencing_token(), previous);
    previous = lock.fencing_token();
    const auto record = lock_record(r, "k");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->fencing_token, lock.fencing_token());
    EXPECT_EQ(record->lease, milliseconds(6000));
    r.set("k", std::to_string(i), lock);
    lock.release();
    EXPECT_FALSE(lock_record(r, "k"));
  }
  EXPECT_EQ(r.get("k"), "4");
}

TEST_F(OneMemcachedServer, ALockHeldByOneClientIsUnavailableToAnother) {
  MemcachedClient other;
  RegionConfig config;
  config.max_lock_attempts = 2;
  Region& mine = region(config, "shared");
  Region& theirs = other.region("shared", server_->address(), config);
  Lock held = mine.get_lock("k");
  EXPECT_THROW(theirs.get_lock("k"), LockUnavailable);
  held.release();
  Lock taken = theirs.get_lock("k");
  EXPECT_GT(taken.fencing_token(), held.fencing_token());
}

// lock_timeout 2 s: locked writes are allowed for the first second, the
// lease is 3 s, and the server drops the record about 3 s after the add.
TEST_F(OneMemcachedServer, AnExpiredHoldersWritesAndReleaseCannotHurtItsSuccessor) {
  RegionConfig config;
  config.lock_timeout = milliseconds(2000);
  config.max_lock_attempts = 40;
  Region& r = region(config);
  Lock stale = r.get_lock("k");
  r.set("k", "stale-holder", stale);

  std::this_thread::sleep_for(milliseconds(4200));
  Lock successor = r.get_lock("k");
  EXPECT_GT(successor.fencing_token(), stale.fencing_token());

  // The region refuses by the lease; the backend by the record's token.
  EXPECT_THROW(r.set("k", "late", stale), LockTimeout);
  const std::string stored_key = xxh3_mangle_key("k");
  EXPECT_EQ(r.lock_backend().set_locked(stored_key, "late", std::nullopt,
                                        lock::lock_record_key(stored_key), stale.fencing_token()),
            LockedWriteResult::kLockLost);
  stale.release();
  const auto record = lock_record(r, "k");
  ASSERT_TRUE(record) << "the stale release deleted its successor's lock";
  EXPECT_EQ(record->fencing_token, successor.fencing_token());
  r.set("k", "successor", successor);
  EXPECT_EQ(r.get("k"), "successor");
}

TEST_F(OneMemcachedServer, IsLockedWhileAnotherClientHoldsTheLockAndNotAfterItsRelease) {
  MemcachedClient other;
  Region& mine = region({}, "asked");
  Region& theirs = other.region("asked", server_->address());
  EXPECT_FALSE(mine.is_locked("k"));
  Lock held = theirs.get_lock("k");
  EXPECT_TRUE(mine.is_locked("k"));
  EXPECT_FALSE(mine.is_locked("other"));
  EXPECT_EQ(lock_record(mine, "k")->fencing_token, held.fencing_token())
      << "asking changed the record";
  held.release();
  EXPECT_FALSE(theirs.is_locked("k")) << "the holder's process sees its release at once";
  // Another process sees a release, sent without awaiting its answer, a
  // moment later.
  EXPECT_TRUE(eventually([&] { return !mine.is_locked("k"); }, seconds(2)));
}

// lock_timeout 1 ms: a 1001 ms lease, which the server runs out on its
// whole-second clock, 1 to 3 s after the add.
TEST_F(OneMemcachedServer, IsLockedTurnsFalseWhenTheServerRunsTheLeaseOut) {
  RegionConfig config;
  config.lock_timeout = milliseconds(1);
  Region& r = region(config);
  const auto taken = std::chrono::steady_clock::now();
  Lock abandoned = r.get_lock("k");
  EXPECT_TRUE(r.is_locked("k"));
  EXPECT_TRUE(eventually([&] { return !r.is_locked("k"); }, seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - taken, milliseconds(1000));
}

TEST_F(OneMemcachedServer, ConcurrentLockHoldersExcludeEachOther) {
  RegionConfig config;
  config.max_lock_attempts = 1000;
  Region& r = region(config);
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> cycles{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Lock lock = r.get_lock("contended");
        if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
        r.set("contended", std::to_string(cycles.fetch_add(1)), lock);
        inside.fetch_sub(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(cycles.load(), 200);
  EXPECT_FALSE(lock_record(r, "contended"));
}

TEST_F(OneMemcachedServer, FencingTokensKeepIncreasingWhenTheServerLosesTheCounter) {
  Region& r = region({}, "restarted");
  const std::uint64_t before = r.get_lock("k").fencing_token();
  server_.reset();  // stopped: its records and the region's counter are gone
  MemcachedServer restarted;
  MemcachedClient other;
  Region& again = other.region("restarted", restarted.address());
  EXPECT_GT(again.get_lock("k").fencing_token(), before);
}

// A release is sent without waiting for the server's answer. The driver
// must still apply it before this process's next call on the key, whichever
// thread makes it, and a refused release must not leave an answer behind
// that a later call would take for its own. Both protocols.
class ReleaseWithoutReply : public OneMemcachedServer,
                            public ::testing::WithParamInterface<std::string> {
 protected:
  Region& region_with_protocol(RegionConfig config = {}) {
    config.backend_args["protocol"] = GetParam();
    return region(std::move(config));
  }
};

INSTANTIATE_TEST_SUITE_P(Protocols, ReleaseWithoutReply, ::testing::Values("ascii", "binary"));

TEST_P(ReleaseWithoutReply, ASingleAttemptRightAfterAReleaseAlwaysGetsTheLock) {
  RegionConfig config;
  config.max_lock_attempts = 1;  // a record still there would throw LockUnavailable
  Region& r = region_with_protocol(config);
  std::uint64_t previous = 0;
  for (int i = 0; i < 2000; ++i) {
    Lock lock = r.get_lock("k");
    ASSERT_GT(lock.fencing_token(), previous);
    previous = lock.fencing_token();
    lock.release();
  }
  EXPECT_FALSE(lock_record(r, "k"));
}

TEST_P(ReleaseWithoutReply, ALockHandedBetweenThreadsIsFreeForTheNextAtOnce) {
  RegionConfig config;
  config.max_lock_attempts = 1;
  Region& r = region_with_protocol(config);
  constexpr int kHandoffs = 500;
  std::atomic<int> turn{0};  // even: the first thread's turn, odd: the second's
  std::atomic<int> refused{0};
  auto play = [&](int parity) {
    for (int i = parity; i < kHandoffs; i += 2) {
      while (turn.load() != i) std::this_thread::yield();
      try {
        r.get_lock("k").release();
      } catch (const LockUnavailable&) {
        refused.fetch_add(1);
      }
      turn.store(i + 1);
    }
  };
  std::thread first(play, 0);
  std::thread second(play, 1);
  first.join();
  second.join();
  EXPECT_EQ(refused.load(), 0) << "a lock released by one thread was still held for the other";
}

TEST_P(ReleaseWithoutReply, AReleaseRefusedByTheServerLeavesTheRecordAndNoStrayAnswer) {
  Region& r = region_with_protocol();
  auto& backend = dynamic_cast<MemcachedBackend&>(r.backend());
  const std::string record_key =
      backend.key_prefix() + lock::lock_record_key(xxh3_mangle_key("k"));
  Lock lock = r.get_lock("k");
  const auto added = backend.driver().get(record_key);
  ASSERT_TRUE(added);
  // The same bytes stored again get a new CAS unique, as a successor's would.
  backend.driver().set(record_key, added->value, 0);
  lock.release();
  for (int i = 0; i < 3; ++i) {
    const auto kept = backend.driver().get(record_key);
    ASSERT_TRUE(kept) << "a release deleted a record it did not add";
    EXPECT_EQ(kept->value, added->value);
    EXPECT_NE(kept->cas, added->cas);
  }
  r.set("k", "after");
  EXPECT_EQ(r.get("k"), "after");
}

}  // namespace
}  // namespace regionkv::testing
