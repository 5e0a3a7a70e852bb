// Store::drop_region: a region and its data go, for good, and the disk is
// reclaimed; refused while this process uses the region (issue #24).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "regionkv/regionkv.h"
#include "tests/support/forked_child.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

StoreOptions quiet() {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  return options;
}

RegionConfig raw_keys() { return RegionConfig{.enable_key_mangler = false}; }

using Names = std::vector<std::string>;

// Writes `values` to each region in a store, then closes it: reopened, the
// store has those regions and no Region object for them.
void make_store(const fs::path& path, const Names& regions) {
  auto store = Store::open(path, quiet());
  for (const auto& name : regions) {
    store->region(name).configure(raw_keys());
    store->region(name).set("k", "value of " + name);
  }
}

std::uintmax_t table_bytes(const fs::path& dir) {
  std::uintmax_t bytes = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".sst") bytes += entry.file_size();
  return bytes;
}

TEST(DropRegionTest, DroppedRegionIsGoneNowAndAfterReopen) {
  TempDir dir;
  make_store(dir.sub("store"), {"a", "b", "c"});
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->drop_region("b");
    EXPECT_EQ(store->region_names(), (Names{"a", "c"}));
  }
  auto store = Store::open(dir.sub("store"), quiet());
  EXPECT_EQ(store->region_names(), (Names{"a", "c"}));
  store->region("a").configure(raw_keys());
  EXPECT_EQ(store->region("a").get("k"), "value of a");
}

TEST(DropRegionTest, UnknownOrInvalidNameIsInvalidArgument) {
  TempDir dir;
  make_store(dir.sub("store"), {"a"});
  auto store = Store::open(dir.sub("store"), quiet());
  EXPECT_THROW(store->drop_region("never"), std::invalid_argument);
  EXPECT_THROW(store->drop_region("default"), std::invalid_argument);
  EXPECT_THROW(store->drop_region(""), std::invalid_argument);
  EXPECT_EQ(store->region_names(), Names{"a"});
  auto remote = Store::open_remote(quiet());
  EXPECT_THROW(remote->drop_region("a"), std::invalid_argument);
}

TEST(DropRegionTest, RegionThisProcessUsesIsRefusedWithConfigErrorAndKept) {
  TempDir dir;
  make_store(dir.sub("store"), {"named", "configured", "locked"});
  auto store = Store::open(dir.sub("store"), quiet());
  store->region("named");
  store->region("configured").configure(raw_keys());
  store->region("locked").configure(raw_keys());
  Lock lock = store->region("locked").get_lock("k");
  for (const char* name : {"named", "configured", "locked"})
    EXPECT_THROW(store->drop_region(name), ConfigError) << name;
  EXPECT_EQ(store->region_names(), (Names{"configured", "locked", "named"}));
  EXPECT_EQ(store->region("configured").get("k"), "value of configured");
  EXPECT_TRUE(lock.active());
  store->region("locked").set("k", "still mine", lock);
}

// About 10 MB of incompressible values in table files; after the drop the
// files are gone from the directory.
TEST(DropRegionTest, TableFilesAreDeletedFromTheDisk) {
  TempDir dir;
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->region("small").configure(raw_keys());
    store->region("small").set("k", "v");
    Region& big = store->region("big");
    big.configure(raw_keys());
    std::mt19937_64 random(24);
    std::string value(1024, '\0');
    for (int i = 0; i < 10'000; ++i) {
      for (auto& c : value) c = static_cast<char>(random());
      big.set("key" + std::to_string(i), value);
    }
    // A backup flushes every memtable into table files.
    store->backup(dir.sub("flushed"));
  }
  fs::remove_all(dir.sub("flushed"));
  auto store = Store::open(dir.sub("store"), quiet());
  const std::uintmax_t before = table_bytes(dir.sub("store"));
  ASSERT_GT(before, 9'000'000u);
  store->drop_region("big");
  const std::uintmax_t after = table_bytes(dir.sub("store"));
  EXPECT_LT(after, 1'000'000u) << "before the drop: " << before;
  store->region("small").configure(raw_keys());
  EXPECT_EQ(store->region("small").get("k"), "v");
}

// The sweeper (in the background, and sweep_now and stats in another
// thread) runs over the regions while they are dropped.
TEST(DropRegionTest, DropsWhileTheSweeperRuns) {
  TempDir dir;
  const TimePoint t0 = std::chrono::time_point_cast<milliseconds>(Clock::now());
  Names names;
  for (int r = 0; r < 20; ++r) names.push_back("region" + std::to_string(r));
  {
    StoreOptions options = quiet();
    options.time_source = std::make_shared<ManualTimeSource>(t0);
    auto store = Store::open(dir.sub("store"), options);
    for (const auto& name : names) {
      RegionConfig config = raw_keys();
      config.expire_time = seconds(1);
      store->region(name).configure(config);
      for (int i = 0; i < 500; ++i) store->region(name).set("k" + std::to_string(i), "v");
    }
  }
  StoreOptions options = quiet();
  options.time_source = std::make_shared<ManualTimeSource>(t0 + seconds(10));  // all expired
  options.sweep_interval = milliseconds(1);
  auto store = Store::open(dir.sub("store"), options);
  std::atomic<bool> done{false};
  std::thread sweeping([&] {
    while (!done) {
      store->sweep_now();
      store->stats();
    }
  });
  for (const auto& name : names) store->drop_region(name);
  done = true;
  sweeping.join();
  EXPECT_TRUE(store->region_names().empty());
  EXPECT_EQ(store->sweep_stats().errors, 0u) << store->sweep_stats().last_error;
}

TEST(DropRegionTest, DropSurvivesKillRightAfterItReturns) {
  TempDir dir;
  make_store(dir.sub("store"), {"gone", "kept"});
  const ForkedChildResult child = run_in_forked_child(
      [&](std::string& report) {
        auto store = Store::open(dir.sub("store"), quiet());
        store->drop_region("gone");
        report = "dropped";
        ::kill(::getpid(), SIGKILL);
        return 3;
      },
      ChildExit::kUnderscoreExit);
  ASSERT_EQ(child.exit_status, -1) << "the child was not killed: " << child.report;
  auto store = Store::open(dir.sub("store"), quiet());
  EXPECT_EQ(store->region_names(), Names{"kept"});
}

TEST(DropRegionTest, ARegionCreatedAgainStartsEmptyWithLargerTokens) {
  TempDir dir;
  std::uint64_t dropped_token = 0;
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->region("r").configure(raw_keys());
    store->region("r").set("k", "old");
    dropped_token = store->region("r").get_lock("k").fencing_token();
  }
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->drop_region("r");
  }
  auto store = Store::open(dir.sub("store"), quiet());
  EXPECT_TRUE(store->region_names().empty());
  store->region("r").configure(raw_keys());
  EXPECT_FALSE(store->region("r").find("k"));
  EXPECT_GT(store->region("r").get_lock("k").fencing_token(), dropped_token);
}

TEST(DropRegionTest, DumpToolNoLongerShowsIt) {
  TempDir dir;
  make_store(dir.sub("store"), {"gone", "kept"});
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->drop_region("gone");
  }
  const ProgramRun run =
      run_program(REGIONKV_DUMP_BINARY, {dir.sub("store").string(), "--format", "json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("\"kept\""), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\"gone\""), std::string::npos) << run.out;
}

TEST(DropRegionTest, AForkedChildIsRefused) {
  TempDir dir;
  make_store(dir.sub("store"), {"r"});
  auto store = Store::open(dir.sub("store"), quiet());
  const ForkedChildResult child = run_in_forked_child([&](std::string& report) {
    try {
      store->drop_region("r");
    } catch (const StorageError& e) {
      report = e.what();
      return 0;
    }
    return 2;
  });
  EXPECT_FALSE(child.hung) << child.report;
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_EQ(store->region_names(), Names{"r"});
}

}  // namespace
}  // namespace regionkv::testing
