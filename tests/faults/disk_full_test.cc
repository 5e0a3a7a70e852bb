// A full disk, made by a file system under the store that reports "No space
// left on device" for every append while it is switched on, as a disk does
// when it fills (it keeps the first half of each append, so a log record is
// torn as a partial write(2) tears it). While the disk is full every write
// fails with a StorageError saying so and changes nothing; once it has room,
// the same open store takes writes again, in both durability modes, and no
// acknowledged write is lost, neither in the open store nor after a reopen.
// fault_test.cc fills a real (tmpfs) disk instead.
#include <gtest/gtest.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "engine/engine.h"
#include "engine/no_space_recovery.h"
#include "engine/owner_only_files.h"
#include "engine/rocksdb_options.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The disk. Reports no space for appends to every file while full().
class SwitchableFullDisk : public rocksdb::FileSystemWrapper {
 public:
  explicit SwitchableFullDisk(const std::shared_ptr<rocksdb::FileSystem>& target)
      : rocksdb::FileSystemWrapper(target) {}
  static const char* kClassName() { return "RegionkvTestSwitchableFullDisk"; }
  const char* Name() const override { return kClassName(); }

  void fill() { full_ = true; }
  void free_space() { full_ = false; }
  bool full() const { return full_; }
  std::uint64_t refused_appends() const { return refused_appends_; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    return wrap(target()->NewWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return wrap(target()->ReopenWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return wrap(target()->ReuseWritableFile(name, old_name, options, result, dbg), result);
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, SwitchableFullDisk& disk)
        : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), disk_(disk) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (disk_.full()) return disk_.refuse(*target(), data, options, dbg);
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (disk_.full()) return disk_.refuse(*target(), data, options, dbg);
      return target()->Append(data, options, info, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      if (disk_.full()) return rocksdb::IOStatus::NoSpace("test disk is full");
      return target()->PositionedAppend(data, offset, options, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       const rocksdb::DataVerificationInfo& info,
                                       rocksdb::IODebugContext* dbg) override {
      if (disk_.full()) return rocksdb::IOStatus::NoSpace("test disk is full");
      return target()->PositionedAppend(data, offset, options, info, dbg);
    }

   private:
    SwitchableFullDisk& disk_;
  };

  rocksdb::IOStatus wrap(rocksdb::IOStatus status,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (status.ok()) *result = std::make_unique<File>(std::move(*result), *this);
    return status;
  }
  // Keeps the first half, as a write(2) that ran out of room part way.
  rocksdb::IOStatus refuse(rocksdb::FSWritableFile& file, const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) {
    ++refused_appends_;
    if (data.size() > 1)
      file.Append(rocksdb::Slice(data.data(), data.size() / 2), options, dbg)
          .PermitUncheckedError();
    return rocksdb::IOStatus::NoSpace("test disk is full");
  }

  std::atomic<bool> full_{false};
  std::atomic<std::uint64_t> refused_appends_{0};
};

// Stores opened while it lives are on `disk`.
class OnDisk {
 public:
  OnDisk()
      : disk_(std::make_shared<SwitchableFullDisk>(engine::owner_only_env()->GetFileSystem())),
        env_(rocksdb::NewCompositeEnv(disk_)) {
    engine::TEST_set_store_env(env_.get());
  }
  ~OnDisk() { engine::TEST_set_store_env(nullptr); }
  SwitchableFullDisk& disk() { return *disk_; }

 private:
  std::shared_ptr<SwitchableFullDisk> disk_;
  std::unique_ptr<rocksdb::Env> env_;
};

const std::chrono::milliseconds kRetryInterval = engine::NoSpaceRecovery::Options().retry_interval;

std::string value_of(int i) { return "value-" + std::to_string(i) + std::string(200, 'v'); }
std::string key_of(int i) { return "key-" + std::to_string(i); }

class DiskFullTest : public ::testing::TestWithParam<Durability> {
 protected:
  std::unique_ptr<Store> open(std::shared_ptr<TimeSource> clock = nullptr) {
    StoreOptions options;
    options.durability = GetParam();
    options.sweep_interval = 0ms;
    options.time_source = std::move(clock);
    options.log = [](std::string_view) {};  // RocksDB reports each refused write
    auto store = Store::open(dir_.sub("store"), options);
    store->region("r").configure(RegionConfig{.enable_key_mangler = false});
    return store;
  }
  // Writes values `from` to `from + count - 1`; returns them, acknowledged.
  std::map<std::string, std::string> write_values(Store& store, int from, int count) {
    std::map<std::string, std::string> written;
    for (int i = from; i < from + count; ++i) {
      store.region("r").set(key_of(i), value_of(i));
      written[key_of(i)] = value_of(i);
    }
    return written;
  }
  // Each of `values` is readable, with its value.
  void expect_values(Store& store, const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values) EXPECT_EQ(store.region("r").find(key), value) << key;
  }
  // The disk stays full a while, as disks do (long enough for any recovery
  // attempt started by the failure to find it full), then has room; the
  // first write after the retry interval resumes.
  void free_space_and_wait() {
    std::this_thread::sleep_for(2 * kRetryInterval);
    on_disk_.disk().free_space();
    std::this_thread::sleep_for(kRetryInterval);
  }
  static engine::NoSpaceRecovery::Stats recovery(Store& store) {
    return StoreInternals::engine(store).no_space_recovery_stats();
  }

  TempDir dir_;
  OnDisk on_disk_;
};

INSTANTIATE_TEST_SUITE_P(BothDurabilities, DiskFullTest,
                         ::testing::Values(Durability::kProcessCrash, Durability::kPowerLoss),
                         [](const auto& info) {
                           return info.param == Durability::kPowerLoss ? "PowerLoss"
                                                                       : "ProcessCrash";
                         });

TEST_P(DiskFullTest, WriteOnFullDiskIsStorageErrorSayingTheDiskIsFull) {
  auto store = open();
  on_disk_.disk().fill();
  try {
    store->region("r").set("k", "v");
    FAIL() << "a write on a full disk succeeded";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("the disk is full"), std::string::npos) << e.what();
  }
  // And every write after it, stopped by RocksDB without touching the disk.
  EXPECT_THROW(store->region("r").set("k2", "v"), StorageError);
  EXPECT_GT(on_disk_.disk().refused_appends(), 0u);
}

TEST_P(DiskFullTest, SameOpenStoreWritesAgainOnceSpaceReturns) {
  std::map<std::string, std::string> acknowledged;
  {
    auto store = open();
    acknowledged = write_values(*store, 0, 100);
    on_disk_.disk().fill();
    for (int i = 100; i < 110; ++i)
      EXPECT_THROW(store->region("r").set(key_of(i), value_of(i)), StorageError);
    expect_values(*store, acknowledged);  // reads go on
    free_space_and_wait();
    acknowledged.merge(write_values(*store, 110, 100));
    expect_values(*store, acknowledged);
    for (int i = 100; i < 110; ++i) EXPECT_EQ(store->region("r").find(key_of(i)), std::nullopt);
    EXPECT_EQ(recovery(*store).resumed, 1u);
  }
  auto store = open();
  expect_values(*store, acknowledged);
  for (int i = 100; i < 110; ++i) EXPECT_EQ(store->region("r").find(key_of(i)), std::nullopt);
}

TEST_P(DiskFullTest, FailedCallsChangeNothingStored) {
  {
    auto store = open();
    write_values(*store, 0, 3);
    on_disk_.disk().fill();
    Region& region = store->region("r");
    EXPECT_THROW(region.set(key_of(0), "overwritten"), StorageError);
    EXPECT_THROW(region.erase(key_of(1)), StorageError);
    EXPECT_THROW(region.set_multi({{key_of(2), "x"}, {"new", "y"}}), StorageError);
    EXPECT_THROW(region.erase_multi({key_of(0), key_of(2)}), StorageError);
    free_space_and_wait();
    region.set("after", "resumed");  // resumes the store
    expect_values(*store, {{key_of(0), value_of(0)},
                           {key_of(1), value_of(1)},
                           {key_of(2), value_of(2)},
                           {"after", "resumed"}});
    EXPECT_EQ(region.find("new"), std::nullopt);
  }
  auto store = open();
  expect_values(*store, {{key_of(0), value_of(0)},
                         {key_of(1), value_of(1)},
                         {key_of(2), value_of(2)},
                         {"after", "resumed"}});
  EXPECT_EQ(store->region("r").find("new"), std::nullopt);
}

TEST_P(DiskFullTest, LocksFailWhileFullAndWorkOnceSpaceReturns) {
  auto store = open();
  // One attempt: a lock that is held, or that a failed grant left behind,
  // is LockUnavailable at once.
  Region& region = store->region("locks");
  region.configure(RegionConfig{.enable_key_mangler = false, .max_lock_attempts = 1});
  Lock held = region.get_lock("held");
  on_disk_.disk().fill();
  EXPECT_THROW(region.get_lock("k"), StorageError);
  EXPECT_THROW(region.set("held", "v", held), StorageError);
  EXPECT_THROW(region.get_lock("held"), LockUnavailable);
  free_space_and_wait();
  region.set("held", "v", held);  // resumes the store
  held.release();
  Lock lock = region.get_lock("k");  // no grant was recorded while full
  region.set("k", "locked write", lock);
  lock.release();
  Lock again = region.get_lock("held");
  EXPECT_EQ(region.find("k"), "locked write");
  EXPECT_EQ(region.find("held"), "v");
}

TEST_P(DiskFullTest, SweeperFailsWhileFullAndSweepsOnceSpaceReturns) {
  auto clock = std::make_shared<ManualTimeSource>(std::chrono::system_clock::now());
  auto store = open(clock);
  Region& expiring = store->region("expiring");
  expiring.configure(RegionConfig{.enable_key_mangler = false, .expire_time = 1000ms});
  for (int i = 0; i < 50; ++i) expiring.set(key_of(i), value_of(i));
  clock->advance(2000ms);
  on_disk_.disk().fill();
  EXPECT_EQ(store->sweep_now(), 0u);  // its delete failed, reported through the log
  free_space_and_wait();
  EXPECT_EQ(store->sweep_now(), 50u);  // the sweeper's own write resumed the store
  store->region("r").set("k", "v");
}

// RocksDB 7.8 cannot resume after a failed log append while no active
// memtable holds a write (engine/no_space_recovery.h): its next write would
// abort the process. The store must say to reopen it instead, and lose
// nothing.
TEST_P(DiskFullTest, FailedFirstWriteAfterAFlushAsksForAReopenAndLosesNothing) {
  std::map<std::string, std::string> acknowledged;
  {
    auto store = open();
    acknowledged = write_values(*store, 0, 10);
    auto& engine = StoreInternals::engine(*store);
    rocksdb::FlushOptions wait;
    ASSERT_TRUE(engine.db().Flush(wait, engine.column_family("r")).ok());
    ASSERT_TRUE(engine.db().Flush(wait, engine.db().DefaultColumnFamily()).ok());
    on_disk_.disk().fill();
    EXPECT_THROW(store->region("r").set("k", "v"), StorageError);
    free_space_and_wait();
    for (int i = 0; i < 3; ++i) {
      try {
        store->region("r").set("k", "v");
        FAIL() << "a write succeeded on a store that cannot resume safely";
      } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("reopen"), std::string::npos) << e.what();
      }
    }
    expect_values(*store, acknowledged);  // reads go on
    EXPECT_EQ(recovery(*store).attempts, 0u);
  }
  auto store = open();
  expect_values(*store, acknowledged);
  EXPECT_EQ(store->region("r").find("k"), std::nullopt);
  acknowledged.merge(write_values(*store, 10, 10));
  expect_values(*store, acknowledged);
}

TEST_P(DiskFullTest, ResumesAfterAFlushFoundTheDiskFull) {
  std::map<std::string, std::string> acknowledged;
  {
    auto store = open();
    acknowledged = write_values(*store, 0, 100);
    auto& engine = StoreInternals::engine(*store);
    on_disk_.disk().fill();
    EXPECT_FALSE(engine.db().Flush(rocksdb::FlushOptions(), engine.column_family("r")).ok());
    // The failed flush stopped the database: a write fails without touching
    // the disk, and says why.
    try {
      store->region("r").set("k", "v");
      FAIL() << "a write succeeded on a database stopped by a full disk";
    } catch (const StorageError& e) {
      EXPECT_NE(std::string(e.what()).find("the disk is full"), std::string::npos) << e.what();
    }
    free_space_and_wait();
    acknowledged.merge(write_values(*store, 100, 10));
    expect_values(*store, acknowledged);
  }
  auto store = open();
  expect_values(*store, acknowledged);
}

TEST_P(DiskFullTest, AFullDiskUnderSteadyWritesCostsOneAttemptPerRetryInterval) {
  auto store = open();
  store->region("r").set("k", "v");
  on_disk_.disk().fill();
  const auto started = std::chrono::steady_clock::now();
  int failed = 0;
  while (std::chrono::steady_clock::now() - started < 3 * kRetryInterval) {
    EXPECT_THROW(store->region("r").set("k", "w"), StorageError);
    ++failed;
  }
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GT(failed, 20);
  // An attempt at the first failure, then at most one per interval.
  EXPECT_LE(recovery(*store).attempts, 1u + took / kRetryInterval);
  EXPECT_EQ(recovery(*store).resumed, 0u);
}

TEST_P(DiskFullTest, ConcurrentWritersLoseNoAcknowledgedWrite) {
  constexpr int kWriters = 4;
  std::mutex acknowledged_mutex;
  std::map<std::string, std::string> acknowledged;
  std::atomic<int> failed{0};
  {
    auto store = open();
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop; ++i) {
          const std::string key = "w" + std::to_string(w) + "-" + std::to_string(i);
          try {
            store->region("r").set(key, value_of(i));
            std::lock_guard lock(acknowledged_mutex);
            acknowledged[key] = value_of(i);
          } catch (const StorageError&) {
            ++failed;
          }
        }
      });
    }
    std::this_thread::sleep_for(50ms);
    on_disk_.disk().fill();
    std::this_thread::sleep_for(3 * kRetryInterval);
    on_disk_.disk().free_space();
    const std::size_t before = [&] {
      std::lock_guard lock(acknowledged_mutex);
      return acknowledged.size();
    }();
    std::this_thread::sleep_for(3 * kRetryInterval);
    stop = true;
    for (auto& writer : writers) writer.join();
    EXPECT_GT(failed.load(), 0);
    EXPECT_GT(acknowledged.size(), before);  // they wrote again, in the same store
    expect_values(*store, acknowledged);
  }
  auto store = open();
  expect_values(*store, acknowledged);
}

}  // namespace
}  // namespace regionkv::testing
