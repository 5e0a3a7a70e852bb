// Store::open: creating, reopening, and refusing what is not ours.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rocksdb/db.h>

#include <fstream>

#include "regionkv/regionkv.h"
#include "tests/support/plain_rocksdb.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

RegionConfig rocksdb_config() { return RegionConfig{}; }

TEST(StoreOpenTest, CreatesMissingDirectory) {
  TempDir dir;
  auto store = Store::open(dir.sub("new"));
  EXPECT_TRUE(fs::is_directory(dir.sub("new")));
  EXPECT_TRUE(store->region_names().empty());
}

TEST(StoreOpenTest, ReopenRestoresEveryRegionAndValue) {
  TempDir dir;
  {
    auto store = Store::open(dir.sub("s"));
    store->region("tokens").configure(rocksdb_config());
    store->region("tokens").set("k", "v1");
    store->region("users").configure(rocksdb_config());
    store->region("users").set("k", "v2");
    store->region("memory-only").configure(RegionConfig{.backing_store = "memory"});
  }
  auto store = Store::open(dir.sub("s"));
  EXPECT_EQ(store->region_names(), (std::vector<std::string>{"tokens", "users"}));
  store->region("users").configure(rocksdb_config());
  store->region("tokens").configure(rocksdb_config());
  EXPECT_EQ(store->region("tokens").get("k"), "v1");
  EXPECT_EQ(store->region("users").get("k"), "v2");
}

TEST(StoreOpenTest, SecondOpenOfHeldDirectoryIsStorageError) {
  TempDir dir;
  auto store = Store::open(dir.sub("s"));
  store->region("r").configure(rocksdb_config());
  store->region("r").set("k", "v");
  EXPECT_THROW(Store::open(dir.sub("s")), StorageError);
  EXPECT_EQ(store->region("r").get("k"), "v");  // the holder is untouched
}

TEST(StoreOpenTest, HeldByAnotherProcessIsStorageError) {
  TempDir dir;
  int opened[2];
  int finish[2];
  ASSERT_EQ(pipe(opened), 0);
  ASSERT_EQ(pipe(finish), 0);
  // The holder is forked while this process has no other thread: a child
  // forked after the store started its threads could deadlock on a lock one
  // of them held (it did, under ASan).
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    close(opened[0]);
    close(finish[1]);
    try {
      auto store = Store::open(dir.sub("s"));
      char byte = 'x';
      if (write(opened[1], &byte, 1) != 1) _exit(2);
      (void)!read(finish[0], &byte, 1);  // returns when the parent closes its end
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  close(opened[1]);
  close(finish[0]);
  char byte;
  ASSERT_EQ(read(opened[0], &byte, 1), 1) << "the holder could not open the store";
  try {
    Store::open(dir.sub("s"));
    ADD_FAILURE() << "opened a store another process holds";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
  close(finish[1]);
  close(opened[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(StoreOpenTest, MissingDirectoryWithoutCreateIsStorageErrorAndCreatesNothing) {
  TempDir dir;
  StoreOptions options;
  options.create_if_missing = false;
  EXPECT_THROW(Store::open(dir.sub("absent"), options), StorageError);
  EXPECT_FALSE(fs::exists(dir.sub("absent")));
}

TEST(StoreOpenTest, EmptyDirectoryWithoutCreateIsStorageError) {
  TempDir dir;
  fs::create_directory(dir.sub("empty"));
  StoreOptions options;
  options.create_if_missing = false;
  EXPECT_THROW(Store::open(dir.sub("empty"), options), StorageError);
  EXPECT_TRUE(fs::is_empty(dir.sub("empty")));
}

TEST(StoreOpenTest, PathThatIsAFileIsStorageErrorAndFileUntouched) {
  TempDir dir;
  { std::ofstream(dir.sub("file")) << "precious"; }
  EXPECT_THROW(Store::open(dir.sub("file")), StorageError);
  std::ifstream in(dir.sub("file"));
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST(StoreOpenTest, DirectoryOfOtherFilesIsRefused) {
  TempDir dir;
  fs::create_directory(dir.sub("photos"));
  { std::ofstream(dir.sub("photos") / "cat.jpg") << "meow"; }
  EXPECT_THROW(Store::open(dir.sub("photos")), StorageError);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.sub("photos")),
                          fs::directory_iterator()), 1);
}

TEST(StoreOpenTest, RocksDBDatabaseWithoutFormatMarkerIsRefused) {
  TempDir dir;
  {
    const auto db = testing::open_plain_rocksdb(dir.sub("foreign"));
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "their-key", "their-value").ok());
  }
  try {
    Store::open(dir.sub("foreign"));
    FAIL() << "opened a foreign database";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("not a regionkv store"), std::string::npos) << e.what();
  }
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir.sub("foreign").string(), &raw).ok());
  std::string value;
  EXPECT_TRUE(raw->Get(rocksdb::ReadOptions(), "their-key", &value).ok());
  EXPECT_TRUE(raw->Get(rocksdb::ReadOptions(), "regionkv.format", &value).IsNotFound());
  delete raw;
}

TEST(StoreOpenTest, PowerLossDurabilityWritesAndReads) {
  TempDir dir;
  StoreOptions options;
  options.durability = Durability::kPowerLoss;
  {
    auto store = Store::open(dir.sub("s"), options);
    store->region("r").configure(rocksdb_config());
    store->region("r").set("k", "v");
  }
  auto store = Store::open(dir.sub("s"), options);
  store->region("r").configure(rocksdb_config());
  EXPECT_EQ(store->region("r").get("k"), "v");
}

TEST(StoreOpenTest, AcknowledgedWriteSurvivesKill9) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto store = Store::open(dir.sub("s"));
    store->region("r").configure(rocksdb_config());
    store->region("r").set("acknowledged", "yes");
    (void)!write(ready[1], "x", 1);
    pause();  // killed here, store still open
    _exit(1);
  }
  char byte;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  auto store = Store::open(dir.sub("s"));
  store->region("r").configure(rocksdb_config());
  EXPECT_EQ(store->region("r").get("acknowledged"), "yes");
}

TEST(StoreOpenTest, TimeSourceDefaultsToSystemClock) {
  TempDir dir;
  auto store = Store::open(dir.sub("s"));
  const auto now = std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(store->time_source()->now() - now), std::chrono::seconds(5));
}

TEST(StoreOpenTest, ManualTimeSourceMovesOnlyWhenTold) {
  ManualTimeSource clock(TimePoint(std::chrono::seconds(100)));
  EXPECT_EQ(clock.now(), TimePoint(std::chrono::seconds(100)));
  clock.advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(clock.now(), TimePoint(std::chrono::milliseconds(101500)));
  clock.set(TimePoint(std::chrono::seconds(7)));
  EXPECT_EQ(clock.now(), TimePoint(std::chrono::seconds(7)));
}

}  // namespace
}  // namespace regionkv
