// The memcached backing store against two real servers: keys spread over
// both, and one of them failing.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "lock/lease_record.h"
#include "tests/memcached/live_memcached.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kKeys = 100;
constexpr const char* kRegion = "cluster";

std::string key(int i) { return "key-" + std::to_string(i); }

class TwoMemcachedServers : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_MEMCACHED();
    first_.emplace();
    second_.emplace();
    RegionConfig config;
    config.backend_args["io_timeout_ms"] = "300";
    config.backend_args["connect_timeout_ms"] = "300";
    both_ = &client_.region(kRegion, join_urls({&*first_, &*second_}), config);
    for (int i = 0; i < kKeys; ++i) both_->set(key(i), "value-" + std::to_string(i));
    // The same region seen through each server alone tells where keys live.
    only_first_ = &first_view_.region(kRegion, first_->address());
    only_second_ = &second_view_.region(kRegion, second_->address());
  }

  // Whether the region's fencing counter lives on `server_view`'s server.
  bool fencing_counter_on(Region& server_view) {
    both_->get_lock("probe").release();  // creates the counter
    return server_view.backend().get(lock::kFencingCounterKey).has_value();
  }

  // Whether the lock record of key(i) lives on `server_view`'s server (it is
  // placed by its own key, so not always beside the value).
  bool lock_record_on(Region& server_view, int i) {
    Lock lock = both_->get_lock(key(i));
    return server_view.backend().get(lock::lock_record_key(xxh3_mangle_key(key(i)))).has_value();
  }

  // Keys of the region that live on `server_view`'s server.
  std::vector<int> keys_on(Region& server_view) {
    std::vector<int> found;
    for (int i = 0; i < kKeys; ++i) {
      if (server_view.find(key(i))) found.push_back(i);
    }
    return found;
  }

  std::optional<MemcachedServer> first_, second_;
  MemcachedClient client_, first_view_, second_view_;
  Region* both_ = nullptr;
  Region* only_first_ = nullptr;
  Region* only_second_ = nullptr;
};

TEST_F(TwoMemcachedServers, KeysSpreadOverBothServers) {
  const auto on_first = keys_on(*only_first_);
  const auto on_second = keys_on(*only_second_);
  EXPECT_GT(on_first.size(), kKeys / 5u);
  EXPECT_GT(on_second.size(), kKeys / 5u);
  EXPECT_EQ(on_first.size() + on_second.size(), static_cast<std::size_t>(kKeys))
      << "each key lives on exactly one server";
  for (int i = 0; i < kKeys; ++i) EXPECT_EQ(both_->get(key(i)), "value-" + std::to_string(i));
}

TEST_F(TwoMemcachedServers, LockRecordsSpreadOverBothServers) {
  int on_first = 0;
  for (int i = 0; i < 20; ++i) on_first += lock_record_on(*only_first_, i);
  EXPECT_GT(on_first, 0);
  EXPECT_LT(on_first, 20);
}

// RegionStats::servers: per server, the calls made and how they ended.
TEST_F(TwoMemcachedServers, StatisticsCountCallsAndFailuresPerServer) {
  const auto round_trips = [&](const std::string& server) {
    for (const ServerStats& stats : both_->stats().servers)
      if (stats.server == server) return stats;
    ADD_FAILURE() << "no statistics for " << server;
    return ServerStats{};
  };
  const auto on_first = keys_on(*only_first_);
  ASSERT_FALSE(on_first.empty());
  const std::uint64_t first_before = round_trips(first_->address()).round_trips;
  const std::uint64_t second_before = round_trips(second_->address()).round_trips;
  for (const int i : on_first) both_->get(key(i));
  EXPECT_EQ(round_trips(first_->address()).round_trips - first_before, on_first.size());
  EXPECT_EQ(round_trips(second_->address()).round_trips, second_before);

  first_->pause();  // answers nothing: calls time out
  EXPECT_THROW(both_->get(key(on_first.front())), StorageError);
  first_->resume();
  const ServerStats first = round_trips(first_->address());
  EXPECT_EQ(first.errors, 1u);
  EXPECT_EQ(first.timeouts, 1u);
  EXPECT_EQ(round_trips(second_->address()).errors, 0u);
}

// The server that does not hold the region's fencing counter: killing it
// leaves locks on the other server's keys working.
TEST_F(TwoMemcachedServers, AKilledServerFailsItsKeysWhileTheOtherKeepsServing) {
  const bool counter_on_first = fencing_counter_on(*only_first_);
  MemcachedServer& victim = counter_on_first ? *second_ : *first_;
  const auto on_victim = keys_on(counter_on_first ? *only_second_ : *only_first_);
  const auto on_survivor = keys_on(counter_on_first ? *only_first_ : *only_second_);
  ASSERT_FALSE(on_victim.empty());
  ASSERT_FALSE(on_survivor.empty());
  Region& survivor_view = counter_on_first ? *only_first_ : *only_second_;
  std::optional<int> locked_on_survivor, locked_on_victim;
  for (const int i : on_survivor) {
    auto& found = lock_record_on(survivor_view, i) ? locked_on_survivor : locked_on_victim;
    if (!found) found = i;
  }
  ASSERT_TRUE(locked_on_survivor && locked_on_victim);
  const std::string dead = victim.address();
  victim.kill();

  const auto started = steady_clock::now();
  for (const int i : on_victim) {
    try {
      both_->get(key(i));
      FAIL() << key(i) << " was read from a dead server";
    } catch (const StorageError& error) {
      EXPECT_NE(std::string(error.what()).find(dead), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find(kRegion), std::string::npos) << error.what();
    }
  }
  EXPECT_THROW(both_->set(key(on_victim.front()), "v"), StorageError);
  EXPECT_THROW(both_->get_lock(key(*locked_on_victim)), StorageError);
  try {
    both_->get_multi({key(on_survivor.front()), key(on_victim.front())});
    FAIL() << "get_multi read a key from a dead server";
  } catch (const StorageError& error) {
    EXPECT_NE(std::string(error.what()).find(dead), std::string::npos) << error.what();
  }

  for (const int i : on_survivor) EXPECT_EQ(both_->get(key(i)), "value-" + std::to_string(i));
  both_->set(key(on_survivor.front()), "rewritten");
  EXPECT_EQ(both_->get(key(on_survivor.front())), "rewritten");
  {
    Lock lock = both_->get_lock(key(*locked_on_survivor));
    both_->erase(key(*locked_on_survivor), lock);
  }
  std::vector<std::string> survivor_keys;
  for (const int i : on_survivor) {
    if (i != *locked_on_survivor) survivor_keys.push_back(key(i));
  }
  EXPECT_EQ(both_->get_multi(survivor_keys).size(), survivor_keys.size());
  // A refused connection fails at once: nothing waited for a timeout.
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(TwoMemcachedServers, AKilledFencingCounterServerStopsLocksButNotValues) {
  const bool counter_on_first = fencing_counter_on(*only_first_);
  MemcachedServer& victim = counter_on_first ? *first_ : *second_;
  const auto on_survivor = keys_on(counter_on_first ? *only_second_ : *only_first_);
  ASSERT_FALSE(on_survivor.empty());
  const std::string dead = victim.address();
  victim.kill();

  try {
    both_->get_lock(key(on_survivor.front()));
    FAIL() << "a lock was granted without a fencing token";
  } catch (const StorageError& error) {
    EXPECT_NE(std::string(error.what()).find(dead), std::string::npos) << error.what();
  }
  EXPECT_EQ(both_->get(key(on_survivor.front())), "value-" + std::to_string(on_survivor.front()));
}

TEST_F(TwoMemcachedServers, APausedServerTimesOutInsteadOfHanging) {
  const auto on_first = keys_on(*only_first_);
  const auto on_second = keys_on(*only_second_);
  ASSERT_FALSE(on_second.empty());
  second_->pause();

  auto started = steady_clock::now();
  try {
    both_->get(key(on_second.front()));
    FAIL() << "read from a paused server";
  } catch (const StorageError& error) {
    EXPECT_NE(std::string(error.what()).find(second_->address()), std::string::npos)
        << error.what();
  }
  const auto waited = steady_clock::now() - started;
  EXPECT_GE(waited, milliseconds(250)) << "it waited for the io timeout";
  EXPECT_LT(waited, milliseconds(2000)) << "and no longer";

  for (const int i : on_first) EXPECT_EQ(both_->get(key(i)), "value-" + std::to_string(i));

  second_->resume();
  EXPECT_EQ(both_->get(key(on_second.front())), "value-" + std::to_string(on_second.front()));
}

TEST_F(TwoMemcachedServers, ADownServerAtStartFailsOnlyItsKeys) {
  const auto on_first = keys_on(*only_first_);
  const auto on_second = keys_on(*only_second_);
  second_->kill();
  MemcachedClient fresh;
  Region& r = fresh.region(kRegion, join_urls({&*first_, &*second_}));
  EXPECT_EQ(r.get(key(on_first.front())), "value-" + std::to_string(on_first.front()));
  EXPECT_THROW(r.get(key(on_second.front())), StorageError);
}

}  // namespace
}  // namespace regionkv::testing
