// The compaction filter: RocksDB compactions of a region's column family drop
// expired records the sweeper has not removed, spare no-expiry keys and live
// records, and never let an older version of a key show through.
#include <gtest/gtest.h>
#include <rocksdb/metadata.h>

#include "engine/record.h"
#include "region/store_internals.h"
#include "tests/expiry/expiry_test_util.h"

namespace regionkv::testing {
namespace {

class CompactionFilterTest : public ::testing::Test {
 protected:
  void SetUp() override { region_.configure(expiring("rocksdb", {"keep"})); }

  rocksdb::DB& db() { return StoreInternals::engine(store_.store()).db(); }
  rocksdb::ColumnFamilyHandle* family() {
    return StoreInternals::engine(store_.store()).find_column_family("tokens");
  }
  void flush() { ASSERT_TRUE(db().Flush(rocksdb::FlushOptions(), family()).ok()); }
  void compact_everything() {
    flush();
    ASSERT_TRUE(
        db().CompactRange(rocksdb::CompactRangeOptions(), family(), nullptr, nullptr)
            .ok());
  }
  std::vector<std::string> files_at_level(int level) {
    rocksdb::ColumnFamilyMetaData meta;
    db().GetColumnFamilyMetaData(family(), &meta);
    std::vector<std::string> names;
    for (const auto& file : meta.levels[level].files) names.push_back(file.name);
    return names;
  }
  std::uint64_t deletions_at_level(int level) {
    rocksdb::ColumnFamilyMetaData meta;
    db().GetColumnFamilyMetaData(family(), &meta);
    std::uint64_t deletions = 0;
    for (const auto& file : meta.levels[level].files) deletions += file.num_deletions;
    return deletions;
  }
  void compact_files(const std::vector<std::string>& files, int output_level) {
    ASSERT_TRUE(
        db().CompactFiles(rocksdb::CompactionOptions(), family(), files, output_level)
            .ok());
  }

  ManualStore store_;  // no background sweeper: only compactions remove records
  Region& region_ = store_.store().region("tokens");
};

TEST_F(CompactionFilterTest, DropsExpiredValues) {
  for (int i = 0; i < 1000; ++i) region_.set("k" + std::to_string(i), "v");
  flush();
  store_.clock().advance(kExpireTime);
  ASSERT_EQ(raw_keys(store_.store(), "tokens").size(), 1000u);
  compact_everything();
  EXPECT_EQ(raw_keys(store_.store(), "tokens"), std::vector<std::string>{});
}

TEST_F(CompactionFilterTest, KeepsLiveValues) {
  region_.set("old", "v");
  store_.clock().advance(kExpireTime - milliseconds(1));
  region_.set("young", "v");
  store_.clock().advance(milliseconds(1));
  compact_everything();
  EXPECT_EQ(raw_keys(store_.store(), "tokens"),
            std::vector<std::string>{stored_key(region_, "young")});
}

TEST_F(CompactionFilterTest, DropsLockRecordsWhoseLeaseRanOut) {
  Lock expired = region_.get_lock("a");
  store_.clock().advance(std::chrono::hours(1));
  Lock live = region_.get_lock("b");
  compact_everything();
  EXPECT_EQ(raw_keys(store_.store(), "tokens"),
            std::vector<std::string>{"_lock" + stored_key(region_, "b")});
}

TEST_F(CompactionFilterTest, SparesNoExpiryKeysWrittenBeforeTheyJoined) {
  region_.set("late", "v");  // stored with an expiry
  region_.set_no_expiry_keys({"keep", "late"});
  store_.clock().advance(std::chrono::hours(1));
  compact_everything();
  EXPECT_EQ(raw_keys(store_.store(), "tokens"),
            std::vector<std::string>{stored_key(region_, "late")});
  EXPECT_EQ(region_.find("late"), "v");
}

// An expired newer version is compacted while an older, never-expiring
// version of the same key sits in a lower level: the filter must leave a
// deletion marker, not uncover the old value.
TEST_F(CompactionFilterTest, NeverUncoversAnOlderVersion) {
  const std::string key = stored_key(region_, "k");
  ASSERT_TRUE(
      db().Put(rocksdb::WriteOptions(), family(), key,
               engine::encode_record(engine::RecordKind::kValue, std::nullopt, "old"))
          .ok());
  flush();
  compact_files(files_at_level(0), /*output_level=*/6);  // the bottom level
  region_.set("k", "new");                               // expires after kExpireTime
  flush();
  store_.clock().advance(kExpireTime);
  ASSERT_EQ(region_.find("k"), std::nullopt);

  compact_files(files_at_level(0), /*output_level=*/1);
  EXPECT_EQ(deletions_at_level(1), 1u);  // "new" became a deletion marker
  EXPECT_EQ(region_.find("k"), std::nullopt);
  std::string bytes;
  EXPECT_TRUE(db().Get(rocksdb::ReadOptions(), family(), key, &bytes).IsNotFound());
}

}  // namespace
}  // namespace regionkv::testing
