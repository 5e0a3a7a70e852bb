// A store written by the previous release (commit 4a16a69) with its default
// options, opened by this one. That release kept no Bloom filters, gave each
// column family its own block cache and memtables, and wrote its files mode
// 0644; tests/data/previous_release_store.tar.gz holds what its library
// wrote: table files in its format, newer writes only in its write-ahead
// log, a lock still held, fencing tokens reserved. make_store.cc beside
// generate.sh (tests/data/previous_release/) says what is in it.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/little_endian.h"
#include "common/unix_ms.h"
#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using testing::TempDir;
namespace fs = std::filesystem;

RegionConfig tokens_config() {  // as make_store.cc configured it
  RegionConfig config;
  config.expire_time = std::chrono::hours(1);
  config.lock_timeout = minutes(30);
  config.no_expiry_keys = {"token-42"};
  config.max_lock_attempts = 1;
  return config;
}

std::string token_value(int i) { return "value-" + std::to_string(i) + std::string(40, '.'); }

class PreviousReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string command = "tar -xzf '" REGIONKV_PREVIOUS_RELEASE_STORE "' -C '" +
                                dir_.path().string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    ASSERT_TRUE(fs::exists(store_dir() / "CURRENT"));
  }

  fs::path store_dir() const { return dir_.path() / "store"; }

  // Opens the store with this release's default options, the clock at the
  // moment the previous release wrote it plus `after`.
  void open(milliseconds after = milliseconds(0)) {
    store_.reset();
    clock_ = std::make_shared<ManualTimeSource>();
    StoreOptions options;
    options.sweep_interval = milliseconds(0);
    options.time_source = clock_;
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    store_ = Store::open(store_dir(), options);
    plain().configure({});
    written_at_ = TimePoint(milliseconds(std::stoll(plain().get("generated_at_ms"))));
    clock_->set(written_at_ + after);
    tokens().configure(tokens_config());
  }
  Region& plain() { return store_->region("plain"); }
  Region& tokens() { return store_->region("tokens"); }
  engine::Engine& engine() { return StoreInternals::engine(*store_); }

  TempDir dir_;
  std::shared_ptr<ManualTimeSource> clock_;
  std::unique_ptr<Store> store_;
  TimePoint written_at_;
  std::vector<std::string> log_;
};

TEST_F(PreviousReleaseTest, OpensWithEveryRegionAndValueAsWritten) {
  open(minutes(1));
  EXPECT_EQ(store_->region_names(), (std::vector<std::string>{"plain", "tokens"}));
  EXPECT_EQ(plain().get("binary"), std::string("\0\1\2\xff", 4));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(tokens().find("token-" + std::to_string(i)));
  for (int i = 10; i < 2000; ++i)
    ASSERT_EQ(tokens().get("token-" + std::to_string(i)), token_value(i)) << i;
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(tokens().get("late-" + std::to_string(i)), "late value " + std::to_string(i));
  EXPECT_EQ(tokens().get_multi({"token-1999", "late-0", "token-10"}),
            (std::vector<std::string>{token_value(1999), "late value 0", token_value(10)}));
  EXPECT_FALSE(tokens().find("token-2000"));
}

TEST_F(PreviousReleaseTest, ItsTableFilesHaveNoFiltersAndStillAnswerEveryRead) {
  std::vector<std::string> old_tables;
  for (const auto& entry : fs::directory_iterator(store_dir()))
    if (entry.path().extension() == ".sst") old_tables.push_back(entry.path().filename());
  open(minutes(1));
  rocksdb::TablePropertiesCollection tables;
  ASSERT_TRUE(
      engine().db().GetPropertiesOfAllTables(engine().column_family("tokens"), &tables).ok());
  int old_seen = 0;
  for (const auto& [file, properties] : tables) {
    const std::string name = fs::path(file).filename();
    if (std::find(old_tables.begin(), old_tables.end(), name) == old_tables.end()) continue;
    EXPECT_EQ(properties->filter_size, 0u) << file;
    ++old_seen;
  }
  EXPECT_GE(old_seen, 1);
  // New writes land in files with filters, beside the old ones (the open
  // already wrote one: what it replayed from the old log).
  for (int i = 0; i < 100; ++i) tokens().set("new-" + std::to_string(i), "new");
  ASSERT_TRUE(
      engine().db().Flush(rocksdb::FlushOptions(), engine().column_family("tokens")).ok());
  tables.clear();
  ASSERT_TRUE(
      engine().db().GetPropertiesOfAllTables(engine().column_family("tokens"), &tables).ok());
  int with_filter = 0;
  for (const auto& [file, properties] : tables) with_filter += properties->filter_size > 0;
  EXPECT_GE(with_filter, 1);
  EXPECT_EQ(tokens().get("token-500"), token_value(500));
  EXPECT_EQ(tokens().get("new-99"), "new");
  EXPECT_FALSE(tokens().find("absent"));
}

TEST_F(PreviousReleaseTest, ValuesExpireWhenTheOldRecordsSaid) {
  open(std::chrono::hours(1) + milliseconds(1));
  EXPECT_FALSE(tokens().find("token-500"));
  EXPECT_FALSE(tokens().find("late-5"));
  EXPECT_EQ(tokens().get("token-42"), token_value(42));  // a no-expiry key
  EXPECT_EQ(plain().get("binary"), std::string("\0\1\2\xff", 4));
}

TEST_F(PreviousReleaseTest, ItsHeldLockHoldsUntilItsLeaseAndTokensContinueAboveTheReservation) {
  const std::optional<std::string> reserved = [&] {
    open(minutes(1));
    return engine().read_metadata("fencing_token_reserved/tokens");
  }();
  ASSERT_TRUE(reserved && reserved->size() == 8);
  const std::uint64_t old_bound = common::read_u64(*reserved, 0);
  EXPECT_GE(old_bound, 6u);  // six locks were granted under it

  EXPECT_THROW(tokens().get_lock("token-100"), LockUnavailable);
  clock_->set(written_at_ + minutes(30) + std::chrono::seconds(1));  // its lease
  Lock lock = tokens().get_lock("token-100");
  EXPECT_GT(lock.fencing_token(), old_bound);
  tokens().set("token-100", "rewritten under a new lock", lock);
  EXPECT_EQ(tokens().get("token-100"), "rewritten under a new lock");
  lock.release();
  Lock other = tokens().get_lock("released-0");
  EXPECT_GT(other.fencing_token(), old_bound);
}

TEST_F(PreviousReleaseTest, ItsOpenDirectoryIsReportedAndNewFilesAreOwnerOnly) {
  std::vector<std::string> old_files;
  for (const auto& entry : fs::directory_iterator(store_dir()))
    old_files.push_back(entry.path().filename().string());
  open(minutes(1));
  ASSERT_EQ(log_.size(), 1u);  // that release made store directories 0755
  EXPECT_NE(log_[0].find("open to other users (mode 0755)"), std::string::npos) << log_[0];
  tokens().set("new", "value");
  ASSERT_TRUE(
      engine().db().Flush(rocksdb::FlushOptions(), engine().column_family("tokens")).ok());
  for (const auto& entry : fs::directory_iterator(store_dir())) {
    const std::string name = entry.path().filename().string();
    if (std::find(old_files.begin(), old_files.end(), name) != old_files.end()) continue;
    EXPECT_EQ(static_cast<unsigned>(entry.status().permissions()) & 0777, 0600u) << name;
  }
}

}  // namespace
}  // namespace regionkv
