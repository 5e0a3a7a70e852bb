// Store::backup: a consistent copy taken while writers run, that opens as a
// store of its own with its values, expiry and fencing tokens continuing
// (issue #24), and a refusal that changes nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lock/fencing_counter.h"
#include "regionkv/regionkv.h"
#include "tests/support/forked_child.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

StoreOptions quiet(Durability durability = Durability::kProcessCrash) {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  options.durability = durability;
  return options;
}

StoreOptions at(const std::shared_ptr<ManualTimeSource>& clock) {
  StoreOptions options = quiet();
  options.time_source = clock;
  return options;
}

RegionConfig raw_keys() { return RegionConfig{.enable_key_mangler = false}; }

std::set<std::string> entries_of(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

std::vector<fs::path> table_files(const fs::path& dir) {
  std::vector<fs::path> tables;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".sst") tables.push_back(entry.path());
  return tables;
}

class BackupWhileWritingTest : public ::testing::TestWithParam<Durability> {};

// Each of 4 threads writes t-0, t-1, ... in order. In the backup, each
// thread's keys are a prefix 0..k of what it wrote, and k reaches at least
// the last write it had acknowledged before backup() was called.
TEST_P(BackupWhileWritingTest, HoldsAPrefixOfEachWritersAcknowledgedWrites) {
  constexpr int kThreads = 4;
  TempDir dir;
  std::array<int, kThreads> acknowledged_before{};
  std::array<int, kThreads> written{};
  {
    auto store = Store::open(dir.sub("store"), quiet(GetParam()));
    Region& region = store->region("writes");
    region.configure(raw_keys());
    std::array<std::atomic<int>, kThreads> acknowledged;
    for (auto& a : acknowledged) a = -1;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          region.set(std::to_string(t) + "-" + std::to_string(i), "value " + std::to_string(i));
          acknowledged[t] = i;
        }
      });
    }
    // Every writer has acknowledged writes before the call (no time involved).
    for (int t = 0; t < kThreads; ++t)
      while (acknowledged[t] < 200) std::this_thread::yield();
    for (int t = 0; t < kThreads; ++t) acknowledged_before[t] = acknowledged[t];
    store->backup(dir.sub("backup"));
    stop = true;
    for (auto& writer : writers) writer.join();
    for (int t = 0; t < kThreads; ++t) written[t] = acknowledged[t];
  }
  fs::remove_all(dir.sub("store"));

  auto backup = Store::open(dir.sub("backup"), quiet());
  Region& region = backup->region("writes");
  region.configure(raw_keys());
  for (int t = 0; t < kThreads; ++t) {
    int first_missing = 0;
    while (first_missing <= written[t] &&
           region.find(std::to_string(t) + "-" + std::to_string(first_missing)) ==
               "value " + std::to_string(first_missing))
      ++first_missing;
    EXPECT_GT(first_missing, acknowledged_before[t]) << "thread " << t;
    for (int i = first_missing; i <= written[t]; ++i)
      ASSERT_FALSE(region.find(std::to_string(t) + "-" + std::to_string(i)))
          << "thread " << t << " key " << i << " is in the backup, but " << first_missing
          << " is not";
  }
}

INSTANTIATE_TEST_SUITE_P(Durabilities, BackupWhileWritingTest,
                         ::testing::Values(Durability::kProcessCrash, Durability::kPowerLoss),
                         [](const auto& info) {
                           return info.param == Durability::kPowerLoss ? "PowerLoss"
                                                                       : "ProcessCrash";
                         });

RegionConfig expiring() {
  RegionConfig config = raw_keys();
  config.expire_time = seconds(10);
  config.no_expiry_keys = {"kept"};
  config.lock_timeout = seconds(60);
  return config;
}

// The original is deleted; the backup, opened as a store, goes on: values
// expire when they would have, a lock held at the backup stays held until
// its lease runs out, and new fencing tokens are above every token the
// original issued, also those it issued after the backup was taken.
TEST(BackupTest, RestoredBackupContinuesValuesExpiryLocksAndFencingTokens) {
  TempDir dir;
  const TimePoint t0 = std::chrono::time_point_cast<milliseconds>(Clock::now());
  std::uint64_t last_token = 0;
  {
    auto clock = std::make_shared<ManualTimeSource>(t0);
    auto store = Store::open(dir.sub("store"), at(clock));
    Region& region = store->region("tokens");
    region.configure(expiring());
    region.set("expires", "soon");
    region.set("kept", "for ever");
    Lock held = region.get_lock("held");
    store->backup(dir.sub("backup"));
    // Tokens the original hands out after the backup: more than a block of
    // the reservation, so a restore that resumed from the backup's
    // reservation would issue them again.
    for (int i = 0; i < 5000; ++i) last_token = region.get_lock("after").fencing_token();
    EXPECT_GT(last_token, held.fencing_token());
    held.release();
  }
  fs::remove_all(dir.sub("store"));

  auto clock = std::make_shared<ManualTimeSource>(t0 + seconds(5));
  auto restored = Store::open(dir.sub("backup"), at(clock));
  EXPECT_EQ(restored->region_names(), std::vector<std::string>{"tokens"});
  Region& region = restored->region("tokens");
  region.configure(expiring());
  EXPECT_EQ(region.find("expires"), "soon");
  EXPECT_EQ(region.find("kept"), "for ever");
  EXPECT_TRUE(region.is_locked("held"));
  EXPECT_GT(region.get_lock("new").fencing_token(), last_token);

  clock->advance(seconds(6));  // t0 + 11 s: past the 10 s expiry
  EXPECT_FALSE(region.find("expires"));
  EXPECT_EQ(region.find("kept"), "for ever");
  EXPECT_TRUE(region.is_locked("held"));
  clock->advance(seconds(60));  // past the lease of 60 s + 1 s
  EXPECT_FALSE(region.is_locked("held"));
  EXPECT_GT(region.get_lock("held").fencing_token(), last_token);
}

// The restore marker is consumed by the first open: a second open neither
// finds it nor moves the tokens again.
TEST(BackupTest, FencingTokensMoveOnceAtTheFirstOpenOfABackup) {
  TempDir dir;
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->region("r").configure(raw_keys());
    store->region("r").get_lock("k").release();
    store->backup(dir.sub("backup"));
  }
  EXPECT_TRUE(fs::exists(dir.sub("backup") / "REGIONKV-BACKUP"));
  std::uint64_t first = 0;
  {
    auto restored = Store::open(dir.sub("backup"), quiet());
    restored->region("r").configure(raw_keys());
    first = restored->region("r").get_lock("k").fencing_token();
  }
  EXPECT_FALSE(fs::exists(dir.sub("backup") / "REGIONKV-BACKUP"));
  auto reopened = Store::open(dir.sub("backup"), quiet());
  reopened->region("r").configure(raw_keys());
  const std::uint64_t second = reopened->region("r").get_lock("k").fencing_token();
  EXPECT_GT(second, first);
  EXPECT_LE(second, first + 2 * lock::ReservedFencingCounter::kBlockSize) << "a plain reopen continues from the reservation";
}

TEST(BackupTest, IntoAnExistingDirectoryOrFileIsRefusedAndChangesNothing) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), quiet());
  store->region("r").configure(raw_keys());
  store->region("r").set("k", "v");
  fs::create_directory(dir.sub("empty"));
  fs::create_directory(dir.sub("full"));
  std::ofstream(dir.sub("full") / "mine") << "keep me";
  std::ofstream(dir.sub("file")) << "a file";
  const std::set<std::string> before = entries_of(dir.path());
  for (const char* name : {"empty", "full", "file"}) {
    try {
      store->backup(dir.sub(name));
      ADD_FAILURE() << name << ": backup succeeded";
    } catch (const StorageError& e) {
      EXPECT_NE(std::string(e.what()).find("it exists"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(entries_of(dir.path()), before);
  EXPECT_TRUE(fs::is_empty(dir.sub("empty")));
  EXPECT_EQ(entries_of(dir.sub("full")), std::set<std::string>{"mine"});
  EXPECT_EQ(fs::file_size(dir.sub("file")), 6u);
  EXPECT_EQ(store->region("r").get("k"), "v");
}

TEST(BackupTest, IntoAMissingParentIsRefusedAndLeavesNothing) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), quiet());
  const std::set<std::string> before = entries_of(dir.path());
  EXPECT_THROW(store->backup(dir.sub("missing") / "backup"), StorageError);
  EXPECT_EQ(entries_of(dir.path()), before);
}

// On the same file system the table files are hard links to the store's
// (no new bytes); on another they are copies, and the backup opens as well.
TEST(BackupTest, TableFilesAreLinkedOnTheSameFileSystemAndCopiedOnAnother) {
  TempDir dir;
  const fs::path other_root = "/dev/shm";
  struct stat here {
  }, there{};
  if (::stat(dir.path().c_str(), &here) != 0 || ::stat(other_root.c_str(), &there) != 0 ||
      here.st_dev == there.st_dev)
    GTEST_SKIP() << "no second file system at " << other_root;
  const fs::path elsewhere = other_root / ("regionkv-backup-test-" + random_hex());
  auto store = Store::open(dir.sub("store"), quiet());
  store->region("r").configure(raw_keys());
  for (int i = 0; i < 1000; ++i) store->region("r").set("k" + std::to_string(i), "v");
  store->backup(dir.sub("linked"));
  store->backup(elsewhere);
  const auto links = [](const fs::path& file) { return fs::hard_link_count(file); };
  ASSERT_FALSE(table_files(dir.sub("linked")).empty());
  for (const auto& table : table_files(dir.sub("linked"))) EXPECT_GE(links(table), 2u) << table;
  ASSERT_FALSE(table_files(elsewhere).empty());
  for (const auto& table : table_files(elsewhere)) EXPECT_EQ(links(table), 1u) << table;
  store.reset();
  {
    auto copy = Store::open(elsewhere, quiet());
    copy->region("r").configure(raw_keys());
    EXPECT_EQ(copy->region("r").get("k999"), "v");
  }
  fs::remove_all(elsewhere);
}

TEST(BackupTest, DumpToolReadsABackup) {
  TempDir dir;
  {
    auto store = Store::open(dir.sub("store"), quiet());
    store->region("r").configure(raw_keys());
    store->region("r").set("greeting", "hello");
    store->region("r").get_lock("greeting").release();
    Lock held = store->region("r").get_lock("held");
    store->backup(dir.sub("backup"));
  }
  const ProgramRun run =
      run_program(REGIONKV_DUMP_BINARY, {dir.sub("backup").string(), "--format", "json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("\"greeting\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"hello\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"held\""), std::string::npos) << run.out;
  // Reading it left the restore marker for the first real open.
  EXPECT_TRUE(fs::exists(dir.sub("backup") / "REGIONKV-BACKUP"));
}

TEST(BackupTest, AForkedChildIsRefusedAndWritesNothing) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), quiet());
  const ForkedChildResult child = run_in_forked_child([&](std::string& report) {
    try {
      store->backup(dir.sub("backup"));
    } catch (const StorageError& e) {
      report = e.what();
      return 0;
    }
    return 2;
  });
  EXPECT_FALSE(child.hung) << child.report;
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_FALSE(fs::exists(dir.sub("backup")));
}

TEST(BackupTest, AStoreWithoutADirectoryIsRefused) {
  TempDir dir;
  auto store = Store::open_remote(quiet());
  EXPECT_THROW(store->backup(dir.sub("backup")), StorageError);
  EXPECT_FALSE(fs::exists(dir.sub("backup")));
}

}  // namespace
}  // namespace regionkv::testing
