// Store::open_remote: a store without a directory, whose regions live on
// redis, memcached or memory only (issue #22: every worker of a pre-forking
// server needed a private RocksDB directory of 37 MB for regions kept on
// Redis). Here on memory regions; tests/redis/ and tests/memcached/ run
// their regions on such stores.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "regionkv/regionkv.h"
#include "tests/support/eventually.h"
#include "tests/support/forked_child.h"
#include "tests/support/message_of.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

RegionConfig on(const std::string& backing_store) {
  RegionConfig config;
  config.backing_store = backing_store;
  return config;
}

TEST(RemoteStoreTest, ARocksdbRegionIsAConfigErrorSayingWhyAndStaysUnconfigured) {
  auto store = Store::open_remote();
  Region& region = store->region("tokens");
  const std::string message = message_of([&] { region.configure(RegionConfig{}); });
  EXPECT_NE(message.find("region 'tokens'"), std::string::npos) << message;
  EXPECT_NE(message.find("needs a store directory"), std::string::npos) << message;
  EXPECT_NE(message.find("redis, memcached or memory"), std::string::npos) << message;
  EXPECT_THROW(region.configure(on("rocksdb")), ConfigError);
  EXPECT_FALSE(region.configured());
  region.configure(on("memory"));  // the failed attempts left it unconfigured
  region.set("k", "v");
  EXPECT_EQ(region.get("k"), "v");
}

TEST(RemoteStoreTest, MemoryRegionsWorkAndHaveNoRegionNames) {
  auto store = Store::open_remote();
  Region& region = store->region("r");
  region.configure(on("memory"));
  region.set_multi({{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(region.get_multi({"b", "a"}), (std::vector<std::string>{"2", "1"}));
  Lock lock = region.get_lock("a");
  EXPECT_TRUE(region.is_locked("a"));
  region.set("a", "3", lock);
  lock.release();
  EXPECT_EQ(region.get("a"), "3");
  EXPECT_TRUE(store->region_names().empty());
  EXPECT_TRUE(store->directory().empty());
}

TEST(RemoteStoreTest, SweepNowSweepsItsMemoryRegions) {
  auto clock = std::make_shared<ManualTimeSource>(
      std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 50)));
  StoreOptions options;
  options.time_source = clock;
  options.sweep_interval = milliseconds(0);
  auto store = Store::open_remote(options);
  RegionConfig config = on("memory");
  config.expire_time = seconds(10);
  Region& region = store->region("r");
  region.configure(config);
  region.set_multi({{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(store->sweep_now(), 0u);
  clock->advance(seconds(10));
  EXPECT_EQ(store->sweep_now(), 2u);
  EXPECT_FALSE(region.find("a"));
}

TEST(RemoteStoreTest, StatsListTheConfiguredRegionsAndNoEngine) {
  auto store = Store::open_remote();
  store->region("r").configure(on("memory"));
  store->region("r").set("k", "v");
  store->region("unconfigured");
  const StoreStats stats = store->stats();
  ASSERT_EQ(stats.regions.size(), 2u);
  EXPECT_EQ(stats.regions[0].name, "r");
  EXPECT_EQ(stats.regions[0].backing_store, "memory");
  EXPECT_EQ(stats.regions[0].writes, 1u);
  EXPECT_EQ(stats.regions[1].name, "unconfigured");
  EXPECT_TRUE(stats.engine.regions.empty());
}

// No directory anywhere: nothing appears in the working directory (where a
// relative path would land) or in the temporary directory.
TEST(RemoteStoreTest, WritesNoFile) {
  TempDir cwd;
  TempDir tmp;
  const fs::path previous = fs::current_path();
  const char* tmpdir = std::getenv("TMPDIR");
  const std::optional<std::string> previous_tmpdir =
      tmpdir ? std::optional<std::string>(tmpdir) : std::nullopt;
  fs::current_path(cwd.path());
  setenv("TMPDIR", tmp.path().c_str(), 1);
  {
    StoreOptions options;
    options.sweep_interval = milliseconds(1);
    auto store = Store::open_remote(options);
    Region& region = store->region("r");
    region.configure(on("memory"));
    region.set("k", "v");
    Lock lock = region.get_lock("k");
    store->sweep_now();
    store->stats();
  }
  fs::current_path(previous);
  if (previous_tmpdir)
    setenv("TMPDIR", previous_tmpdir->c_str(), 1);
  else
    unsetenv("TMPDIR");
  EXPECT_TRUE(fs::is_empty(cwd.path()));
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(RemoteStoreTest, SeveralOpenInOneProcess) {
  auto first = Store::open_remote();
  auto second = Store::open_remote();
  first->region("r").configure(on("memory"));
  second->region("r").configure(on("memory"));
  first->region("r").set("k", "first");
  EXPECT_FALSE(second->region("r").find("k")) << "memory regions are each store's own";
}

TEST(RemoteStoreTest, ANegativeSweepIntervalIsRefused) {
  StoreOptions options;
  options.sweep_interval = milliseconds(-1);
  EXPECT_THROW(Store::open_remote(options), std::invalid_argument);
}

TEST(RemoteStoreTest, AForkedChildsCopyRefusesEveryCallAndTheParentCarriesOn) {
  // The sweeper's thread runs, idle at the fork: a thread inside malloc at
  // the fork would hang the child under AddressSanitizer (see
  // run_in_forked_child). The first pass runs at once; then it waits.
  StoreOptions options;
  options.sweep_interval = std::chrono::hours(1);
  auto store = Store::open_remote(options);
  ASSERT_TRUE(eventually([&] { return store->sweep_stats().passes >= 1; }));
  Region& region = store->region("r");
  region.configure(on("memory"));
  region.set("k", "parent");
  Lock held = region.get_lock("held");
  const auto child = run_in_forked_child([&](std::string& report) {
    const auto refused = [&](const std::string& name, const std::function<void()>& call) {
      const std::string message = message_of(call);
      if (message.find("was forked from process " + std::to_string(getppid())) == std::string::npos)
        report += name + ": " + message + "\n";
    };
    refused("get", [&] { region.get("k"); });
    refused("set", [&] { region.set("child", "v"); });
    refused("get_lock", [&] { region.get_lock("other"); });
    refused("is_locked", [&] { region.is_locked("held"); });
    refused("release", [&] { held.release(); });
    refused("Store::region", [&] { store->region("new"); });
    refused("Store::region_names", [&] { store->region_names(); });
    refused("Store::sweep_now", [&] { store->sweep_now(); });
    refused("Store::stats", [&] { store->stats(); });
    if (store->opened_in_this_process()) report += "opened_in_this_process() is true\n";
    // A store of the child's own works. Without a sweeper: ThreadSanitizer
    // refuses to start threads in the child of a multi-threaded process.
    StoreOptions no_sweeper;
    no_sweeper.sweep_interval = milliseconds(0);
    auto own = Store::open_remote(no_sweeper);
    own->region("r").configure(on("memory"));
    own->region("r").set("k", "child");
    if (own->region("r").get("k") != "child") report += "the child's own store failed\n";
    store.reset();  // what the child's teardown does: leaves the parent's alone
    return report.empty() ? 0 : 1;
  });
  EXPECT_FALSE(child.hung);
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_TRUE(region.is_locked("held"));
  region.set("held", "parent", held);
  held.release();
  EXPECT_EQ(region.get("k"), "parent");
  EXPECT_FALSE(region.find("child"));
}

}  // namespace
}  // namespace regionkv::testing
