// A region on a Redis Cluster of three masters (redis-cli --cluster create):
// keys spread over every master, locks on each, and the client following
// the cluster when a slot moves (MOVED), is moving (ASK), or is split by a
// migration in progress (TRYAGAIN).
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "common/unix_ms.h"
#include "lock/lease_record.h"
#include "region/backends/redis/key_slot.h"
#include "regionkv/errors.h"
#include "tests/redis/live_redis.h"
#include "tests/redis/live_region.h"
#include "tests/support/eventually.h"

namespace regionkv::testing {
namespace {

using redis::key_slot;
using std::chrono::milliseconds;

const TimePoint kNow = common::from_unix_ms(1'700'000'000'000);
constexpr milliseconds kLease{6000};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Moves one slot from `source` to `target` by hand, in the steps
// redis-cli --cluster reshard takes.
// How many commands `node` has answered -TRYAGAIN (INFO errorstats).
std::uint64_t try_agains(const RedisServer& node) {
  const std::string stats = node.command({"INFO", "errorstats"});
  const std::string field = "errorstat_TRYAGAIN:count=";
  const auto at = stats.find(field);
  return at == std::string::npos ? 0 : std::stoull(stats.substr(at + field.size()));
}

class SlotMigration {
 public:
  SlotMigration(RedisCluster& cluster, std::uint16_t slot, RedisServer& source, RedisServer& target)
      : cluster_(cluster), slot_(std::to_string(slot)), source_(source), target_(target) {}

  // From here the source answers -ASK for keys it no longer holds.
  void start() {
    target_.command({"CLUSTER", "SETSLOT", slot_, "IMPORTING", id_of(source_)});
    source_.command({"CLUSTER", "SETSLOT", slot_, "MIGRATING", id_of(target_)});
  }
  void move_keys() {
    const auto keys = lines(source_.command({"CLUSTER", "GETKEYSINSLOT", slot_, "1000"}));
    if (keys.empty()) return;
    std::vector<std::string> migrate = {
        "MIGRATE", "127.0.0.1", std::to_string(target_.port()), "", "0", "5000", "KEYS"};
    migrate.insert(migrate.end(), keys.begin(), keys.end());
    source_.command(migrate);
  }
  // From here every node answers -MOVED for the slot but the target.
  void finish() {
    const std::string target_id = id_of(target_);
    target_.command({"CLUSTER", "SETSLOT", slot_, "NODE", target_id});
    source_.command({"CLUSTER", "SETSLOT", slot_, "NODE", target_id});
    for (const auto& node : cluster_.nodes()) {
      if (node.get() != &source_ && node.get() != &target_)
        node->command({"CLUSTER", "SETSLOT", slot_, "NODE", target_id});
    }
  }
  std::size_t keys_on(RedisServer& node) const {
    return std::stoul(node.command({"CLUSTER", "COUNTKEYSINSLOT", slot_}));
  }

 private:
  static std::string id_of(RedisServer& node) { return node.command({"CLUSTER", "MYID"}); }

  RedisCluster& cluster_;
  std::string slot_;
  RedisServer& source_;
  RedisServer& target_;
};

class ThreeMasters : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    cluster_.emplace(3);
    region_.emplace(options_for(*cluster_), "spread");
  }

  redis::RegionValues& values() { return region_->values; }
  LiveLockSteps& locks() { return region_->locks; }
  std::string redis_key(const std::string& key) { return region_->layout.redis_key(key); }
  std::uint16_t slot_of(const std::string& key) { return key_slot(redis_key(key)); }
  RedisServer& node_of(const std::string& key) {
    return *cluster_->node_on_port(region_->client.server_for(redis_key(key)).port);
  }
  RedisServer& another_node(const RedisServer& node) {
    for (const auto& other : cluster_->nodes()) {
      if (other.get() != &node) return *other;
    }
    throw std::logic_error("a cluster of one node");
  }
  // A key whose slot holds no other key of the test so far.
  std::string key_alone_in_its_slot(const std::string& stem) {
    for (int i = 0;; ++i) {
      const std::string key = stem + std::to_string(i);
      if (node_of(key).command({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot_of(key))}) == "0")
        return key;
    }
  }

  std::optional<RedisCluster> cluster_;
  std::optional<LiveRegion> region_;
};

TEST_F(ThreeMasters, OurKeySlotsAreTheClusters) {
  RedisServer& node = *cluster_->nodes().front();
  for (int i = 0; i < 50; ++i) {
    const std::string key = redis_key("key-" + std::to_string(i));
    EXPECT_EQ(node.command({"CLUSTER", "KEYSLOT", key}), std::to_string(key_slot(key))) << key;
  }
}

TEST_F(ThreeMasters, ValuesSpreadOverEveryMasterAndLiveWhereTheSlotMapSays) {
  std::map<std::uint16_t, int> keys_per_port;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "key-" + std::to_string(i);
    values().set(key, "v" + std::to_string(i), std::nullopt);
    RedisServer& node = node_of(key);
    // Asked directly: a node that did not serve the slot would answer MOVED.
    EXPECT_EQ(node.command({"GET", redis_key(key)}), "v" + std::to_string(i));
    ++keys_per_port[node.port()];
  }
  ASSERT_EQ(keys_per_port.size(), 3u);
  for (const auto& [port, count] : keys_per_port) EXPECT_GT(count, 30) << "port " << port;
}

TEST_F(ThreeMasters, MultiKeyCallsSpanEverySlotAndMaster) {
  std::vector<redis::ValueWrite> items;
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    keys.push_back("key-" + std::to_string(i));
    items.push_back({keys.back(), "v" + std::to_string(i), std::nullopt});
  }
  values().set_multi(items);
  const auto read = values().get_multi(keys);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(read[i], "v" + std::to_string(i));
  values().erase_multi(keys);
  for (const auto& value : values().get_multi(keys)) EXPECT_FALSE(value);
}

TEST_F(ThreeMasters, LocksWorkOnEveryMasterWithTokensIncreasingPerKey) {
  std::set<std::uint16_t> ports;
  for (int i = 0; i < 30; ++i) {
    const std::string key = "key-" + std::to_string(i);
    std::uint64_t previous = 0;
    for (int round = 0; round < 3; ++round) {
      const auto grant = locks().acquire("_lock" + key, kNow, kLease).grant;
      ASSERT_TRUE(grant);
      EXPECT_GT(grant->fencing_token, previous);
      previous = grant->fencing_token;
      EXPECT_FALSE(locks().acquire("_lock" + key, kNow, kLease).grant);
      EXPECT_EQ(locks().set_locked(key, "locked", std::nullopt, "_lock" + key, grant->fencing_token,
                                   kNow),
                LockedWriteResult::kApplied);
      EXPECT_EQ(locks().release("_lock" + key, grant->fencing_token), ReleaseResult::kReleased);
    }
    ports.insert(node_of(key).port());
    EXPECT_EQ(node_of(key).command({"GET", redis_key(key)}), "locked");
  }
  EXPECT_EQ(ports.size(), 3u);
  for (const auto& node : cluster_->nodes())
    EXPECT_FALSE(node->command({"KEYS", "rkv:spread:fencing:*"}).empty()) << node->address();
}

TEST_F(ThreeMasters, AMovedSlotIsFollowedAndRemembered) {
  const std::string key = key_alone_in_its_slot("moved-");
  values().set(key, "before", std::nullopt);
  const auto grant = locks().acquire("_lock" + key, kNow, kLease).grant;
  ASSERT_TRUE(grant);
  RedisServer& source = node_of(key);
  RedisServer& target = another_node(source);

  SlotMigration migration(*cluster_, slot_of(key), source, target);
  migration.start();
  migration.move_keys();
  migration.finish();
  // The value, its lock record and its bucket's counter.
  EXPECT_EQ(migration.keys_on(target), 3u);

  // The client still thinks the slot is on the source: MOVED, then right.
  EXPECT_EQ(values().get(key), "before");
  EXPECT_EQ(region_->client.server_for(redis_key(key)).port, target.port());
  EXPECT_EQ(
      locks().set_locked(key, "after", std::nullopt, "_lock" + key, grant->fencing_token, kNow),
      LockedWriteResult::kApplied);
  EXPECT_EQ(target.command({"GET", redis_key(key)}), "after");
}

TEST_F(ThreeMasters, AnAskDuringAMigrationIsFollowedForKeysTheSourceNoLongerHolds) {
  const std::string key = key_alone_in_its_slot("asked-");
  RedisServer& source = node_of(key);
  RedisServer& target = another_node(source);
  SlotMigration migration(*cluster_, slot_of(key), source, target);
  migration.start();

  // The key is new: the source sends it to the target with -ASK.
  values().set(key, "on-target", std::nullopt);
  EXPECT_EQ(migration.keys_on(target), 1u);
  EXPECT_EQ(migration.keys_on(source), 0u);
  EXPECT_EQ(values().get(key), "on-target");
  // ASK does not change the map: the slot is still the source's.
  EXPECT_EQ(region_->client.server_for(redis_key(key)).port, source.port());
  EXPECT_TRUE(values().erase(key));
  migration.finish();
}

// A lock of a key whose slot is being migrated touches the record (absent:
// the target's, were it created) and the bucket's counter (still on the
// source): the cluster answers TRYAGAIN until the migration is over, and
// the lock is then taken on the target, its token following the counter.
TEST_F(ThreeMasters, ATryAgainDuringAMigrationIsRetriedUntilTheKeysHaveMoved) {
  const std::string key = key_alone_in_its_slot("split-");
  RedisServer& source = node_of(key);
  RedisServer& target = another_node(source);
  source.command({"SET", region_->layout.counter_key("_lock" + key), "41"});
  SlotMigration migration(*cluster_, slot_of(key), source, target);
  migration.start();
  // The keys move once a node has answered TRYAGAIN, not after a guess at
  // how long the first attempt takes to reach it.
  std::thread mover([&] {
    EXPECT_TRUE(eventually([&] { return try_agains(source) + try_agains(target) > 0; }));
    migration.move_keys();
    migration.finish();
  });
  const auto grant = locks().acquire("_lock" + key, kNow, kLease).grant;
  mover.join();
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->fencing_token, 42u);
  EXPECT_EQ(target.command({"HGET", redis_key("_lock" + key), "42"}), "1700000000000 6000");
}

TEST_F(ThreeMasters, AMasterThatIsDownFailsItsKeysNamingItWhileTheOthersServe) {
  values().set("warm-up", "v", std::nullopt);  // the slot map is read
  std::string down_key = "down-0";
  RedisServer& down = node_of(down_key);
  std::string up_key = "up-0";
  for (int i = 1; node_of(up_key).port() == down.port(); ++i) up_key = "up-" + std::to_string(i);
  down.kill();
  try {
    values().set(down_key, "v", std::nullopt);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_TRUE(mentions(error.what(), down.address())) << error.what();
  }
  values().set(up_key, "v", std::nullopt);
  EXPECT_EQ(values().get(up_key), "v");
}

TEST_F(ThreeMasters, AHungMasterFailsItsKeysWithinTheIoTimeout) {
  const std::string key = "hung-0";
  values().set(key, "v", std::nullopt);
  RedisServer& hung = node_of(key);
  hung.pause();
  const auto start = std::chrono::steady_clock::now();
  try {
    values().get(key);
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_TRUE(mentions(error.what(), hung.address())) << error.what();
  }
  const auto took = std::chrono::steady_clock::now() - start;
  hung.resume();
  EXPECT_LT(took, milliseconds(1000 + 500));  // io_timeout 1 s
}

// Through Region: a region's keys land on every master, multi-key calls span
// them, and locks work on each, with tokens increasing per key, exclusion
// between clients, and the server refusing a stale holder.
class ThreeMastersThroughRegion : public ::testing::Test {
 protected:
  void SetUp() override {
    REGIONKV_REQUIRE_REDIS();
    cluster_.emplace(3);
  }

  Region& region(RedisRegionClient& client, RegionConfig config = {}) {
    return client.region("spread", redis_args(*cluster_), std::move(config));
  }
  // The node holding raw key `key`'s value, asked of the region's client.
  RedisServer& node_of(Region& r, const std::string& key) {
    const std::string server = redis_backend_of(r).server_of(xxh3_mangle_key(key));
    const auto port = static_cast<std::uint16_t>(std::stoi(server.substr(server.rfind(':') + 1)));
    return *cluster_->node_on_port(port);
  }

  std::optional<RedisCluster> cluster_;
};

TEST_F(ThreeMastersThroughRegion, ValuesAndMultiKeyCallsSpreadOverEveryMaster) {
  RedisRegionClient client;
  Region& r = region(client);
  EXPECT_TRUE(redis_backend_of(r).cluster_mode());
  std::map<std::string, std::string> items;
  std::vector<std::string> keys;
  for (int i = 0; i < 60; ++i) {
    keys.push_back("key-" + std::to_string(i));
    items[keys.back()] = "v" + std::to_string(i);
  }
  r.set_multi(items);
  r.set("single", "s");
  std::set<std::uint16_t> ports;
  for (const auto& key : keys) {
    RedisServer& node = node_of(r, key);
    // Asked directly: a node that did not hold the key's slot would answer
    // MOVED.
    EXPECT_EQ(node.command({"GET", redis_backend_of(r).redis_key(xxh3_mangle_key(key))}),
              items[key]);
    ports.insert(node.port());
  }
  EXPECT_EQ(ports.size(), 3u);
  const auto read = r.get_multi(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(read[i], items[keys[i]]);
  r.erase_multi(keys);
  for (const auto& key : keys) EXPECT_FALSE(r.find(key));
  EXPECT_EQ(r.get("single"), "s");
}

TEST_F(ThreeMastersThroughRegion, LocksWorkOnEveryMasterAndRefuseStaleHolders) {
  RedisRegionClient client;
  RedisRegionClient other;
  RegionConfig config;
  config.max_lock_attempts = 1;
  Region& mine = region(client, config);
  Region& theirs = region(other, config);
  std::set<std::uint16_t> ports;
  for (int i = 0; i < 12; ++i) {
    const std::string key = "locked-" + std::to_string(i);
    ports.insert(node_of(mine, key).port());
    std::uint64_t previous = 0;
    for (int round = 0; round < 2; ++round) {
      Region& holder = round == 0 ? mine : theirs;
      Region& contender = round == 0 ? theirs : mine;
      Lock lock = holder.get_lock(key);
      EXPECT_GT(lock.fencing_token(), previous) << key;
      previous = lock.fencing_token();
      EXPECT_THROW(contender.get_lock(key), LockUnavailable) << key;
      holder.set(key, "round-" + std::to_string(round), lock);
    }
    EXPECT_EQ(theirs.get(key), "round-1");
  }
  EXPECT_EQ(ports.size(), 3u);

  // A record that vanished (a lease run out) and was taken again: the stale
  // holder's locked write is refused on the key's master.
  Lock stale = mine.get_lock("taken-over");
  const std::string stored = xxh3_mangle_key("taken-over");
  node_of(mine, "taken-over")
      .command({"DEL", redis_backend_of(mine).redis_key(lock::lock_record_key(stored))});
  Lock successor = theirs.get_lock("taken-over");
  EXPECT_GT(successor.fencing_token(), stale.fencing_token());
  EXPECT_THROW(mine.set("taken-over", "stale", stale), LockTimeout);
  theirs.set("taken-over", "successor", successor);
  stale.release();
  EXPECT_THROW(mine.get_lock("taken-over"), LockUnavailable)
      << "the stale release deleted its successor's record";
  EXPECT_EQ(mine.get("taken-over"), "successor");
}

}  // namespace
}  // namespace regionkv::testing
