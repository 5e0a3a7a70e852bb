// inspect_store on a damaged store (tests/support/damaged_store.h): damage is
// never hidden. inspect_store throws wherever Store::open fails, and wherever
// a scan or a verification meets damage; with OnReadError::kReturnWhatWasRead
// it returns what could be read, and the error.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/file_checksum.h>

#include <set>

#include "engine/rocksdb_options.h"
#include "regionkv/regionkv.h"
#include "tests/support/damaged_store.h"
#include "tests/support/damaged_store_fixture.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using testing::Damage;
using testing::LayeredStore;
using testing::TempDir;
namespace fs = std::filesystem;

InspectOptions what_was_read() {
  InspectOptions options;
  options.on_read_error = InspectOptions::OnReadError::kReturnWhatWasRead;
  return options;
}

// Store::open's verdict on a copy of the store (an open that succeeds
// writes into the directory): its message, or "" if it opens.
std::string store_open_error(const fs::path& dir, const fs::path& scratch) {
  fs::copy(dir, scratch, fs::copy_options::recursive);
  try {
    Store::open(scratch);
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

// Every record listed in region "r" is one the store was given, with its
// value; returns how many there are.
std::size_t expect_only_written_records(const StoreSnapshot& snapshot) {
  std::size_t listed = 0;
  for (const auto& region : snapshot.regions) {
    if (region.name != "r") continue;
    std::set<std::string> seen;
    for (const auto& record : region.records) {
      const int i = std::stoi(record.key.substr(4));
      EXPECT_EQ(record.key, testing::layered_key(i));
      EXPECT_EQ(record.value, testing::layered_value(i)) << record.key;
      EXPECT_TRUE(seen.insert(record.key).second) << record.key;
    }
    listed = region.records.size();
  }
  return listed;
}

TEST(InspectDamageTest, UndamagedLayeredStoreIsReadWhole) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  InspectOptions options = what_was_read();
  options.verify = true;
  const StoreSnapshot snapshot = inspect_store(store.dir, options);
  EXPECT_FALSE(snapshot.error) << snapshot.error->message;
  ASSERT_EQ(snapshot.regions.size(), 2u);
  EXPECT_EQ(expect_only_written_records(snapshot), testing::kLayeredRecords);
  EXPECT_EQ(snapshot.regions[1].records.size(), testing::kLayeredOtherRecords);
}

using InspectDamageKindTest = testing::DamagedStoreTest;

TEST_P(InspectDamageKindTest, ThrowsCorruptionWhereStoreOpenFails) {
  const std::string verdict = store_open_error(store_.dir, dir_.sub("copy"));
  EXPECT_NE(verdict.find("Corruption"), std::string::npos) << verdict;
  try {
    inspect_store(store_.dir);
    FAIL() << "damage hidden; Store::open says: " << verdict;
  } catch (const Corruption& e) {
    EXPECT_NE(std::string(e.what()).find(store_.dir.string()), std::string::npos) << e.what();
  }
}

TEST_P(InspectDamageKindTest, ReturnsWhatCouldBeReadAndTheError) {
  if (!testing::anything_readable_after(GetParam())) {
    EXPECT_THROW(inspect_store(store_.dir, what_was_read()), Corruption);
    return;
  }
  const StoreSnapshot snapshot = inspect_store(store_.dir, what_was_read());
  ASSERT_TRUE(snapshot.error);
  EXPECT_TRUE(snapshot.error->damage);
  EXPECT_NE(snapshot.error->message.find("Corruption"), std::string::npos)
      << snapshot.error->message;
  ASSERT_EQ(snapshot.regions.size(), 2u);
  const std::size_t listed = expect_only_written_records(snapshot);
  EXPECT_GT(listed, 0u);
  EXPECT_LT(listed, testing::kLayeredRecords);
}

TEST_P(InspectDamageKindTest, NeverWritesIntoTheStoreDirectory) {
  const auto before = testing::file_hashes(store_.dir);
  for (const InspectOptions& options : {InspectOptions{}, what_was_read()}) {
    try {
      inspect_store(store_.dir, options);
    } catch (const Corruption&) {
    }
  }
  EXPECT_EQ(testing::file_hashes(store_.dir), before);
}

INSTANTIATE_TEST_SUITE_P(EveryDamage, InspectDamageKindTest,
                         ::testing::ValuesIn(testing::kEveryDamage), testing::damage_test_name);

TEST(InspectDamageTest, TableFileDamageNamesTheFile) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::apply(Damage::kTableTruncated, store);
  const StoreSnapshot snapshot = inspect_store(store.dir, what_was_read());
  ASSERT_TRUE(snapshot.error);
  const std::string file = store.level_one_files[1].stem().string();  // "000012"
  EXPECT_NE(snapshot.error->message.find(file), std::string::npos) << snapshot.error->message;
  EXPECT_NE(snapshot.error->message.find("Store::open would fail"), std::string::npos)
      << snapshot.error->message;
}

// RocksDB 7.8's scan drops the error of a level's second file whose first
// block fails its checksum, and goes on past the rest of the level
// (engine/secondary_db.cc): the scan must report it instead.
TEST(InspectDamageTest, ScanReportsADamagedFirstBlockOfALevelsLaterFile) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::flip_bit(store.level_one_files[1], 10);

  try {
    inspect_store(store.dir);
    FAIL() << "a damaged block was skipped without an error";
  } catch (const Corruption& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read region 'r'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
  }

  // What was read: region r up to the damaged block (its first file), and
  // every other region whole.
  const StoreSnapshot snapshot = inspect_store(store.dir, what_was_read());
  ASSERT_TRUE(snapshot.error);
  ASSERT_EQ(snapshot.regions.size(), 2u);
  EXPECT_EQ(expect_only_written_records(snapshot), 500u);
  EXPECT_EQ(snapshot.regions[0].live_record_count, 500u);
  EXPECT_EQ(snapshot.regions[1].records.size(), testing::kLayeredOtherRecords);
}

TEST(InspectDamageTest, VerifyFindsDamageInBlocksTheListingDoesNotRead) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::flip_bit(store.level_one_files[1], 10);
  InspectOptions other_region = what_was_read();
  other_region.region = "s";
  ASSERT_FALSE(inspect_store(store.dir, other_region).error) << "the listing read the damage";

  other_region.verify = true;
  const StoreSnapshot snapshot = inspect_store(store.dir, other_region);
  ASSERT_TRUE(snapshot.error);
  EXPECT_NE(snapshot.error->message.find("fails verification"), std::string::npos)
      << snapshot.error->message;
  EXPECT_EQ(snapshot.regions.at(0).records.size(), testing::kLayeredOtherRecords);
  other_region.on_read_error = InspectOptions::OnReadError::kThrow;
  EXPECT_THROW(inspect_store(store.dir, other_region), Corruption);
}

// Rewrites every table file of the closed store in `dir` with a whole-file
// checksum recorded in the MANIFEST (regionkv writes none itself).
void rewrite_with_file_checksums(const fs::path& dir) {
  engine::StoreRocksDBOptions options = engine::store_rocksdb_options(StoreOptions{});
  options.db.file_checksum_gen_factory = rocksdb::GetFileChecksumGenCrc32cFactory();
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options.db, dir.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, options.family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options.db, dir.string(), descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::CompactRangeOptions everything;
  everything.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* handle : handles) {
    ASSERT_TRUE(db->CompactRange(everything, handle, nullptr, nullptr).ok());
    db->DestroyColumnFamilyHandle(handle);
  }
  ASSERT_TRUE(db->Close().ok());
}

TEST(InspectDamageTest, VerifyChecksWholeFilesAgainstTheChecksumsTheStoreRecorded) {
  TempDir dir;
  {
    StoreOptions options;
    options.sweep_interval = std::chrono::milliseconds(0);
    auto store = Store::open(dir.sub("store"), options);
    store->region("r").configure({});
    for (int i = 0; i < 100; ++i) store->region("r").set(std::to_string(i), "value");
  }
  rewrite_with_file_checksums(dir.sub("store"));
  std::vector<fs::path> tables;
  for (const auto& entry : fs::directory_iterator(dir.sub("store")))
    if (entry.path().extension() == ".sst") tables.push_back(entry.path());
  ASSERT_FALSE(tables.empty());
  // The footer's padding: covered by no block checksum, only by the file's.
  for (const auto& table : tables) testing::flip_bit(table, fs::file_size(table) - 20);

  InspectOptions options = what_was_read();
  ASSERT_FALSE(inspect_store(dir.sub("store"), options).error) << "a block checksum caught it";
  options.verify = true;
  const StoreSnapshot snapshot = inspect_store(dir.sub("store"), options);
  ASSERT_TRUE(snapshot.error);
  EXPECT_NE(snapshot.error->message.find("file checksum mismatch"), std::string::npos)
      << snapshot.error->message;
}

}  // namespace
}  // namespace regionkv
