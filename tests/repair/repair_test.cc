// repair_store: a damaged store comes back with every record RocksDB can
// still read, after a copy of it is put aside; a live store, a directory
// without a store, and a copy that cannot be made are refused, changing
// nothing; a repair RocksDB refuses puts the store back as it was.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "engine/engine.h"
#include "engine/rocksdb_options.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/damaged_store.h"
#include "tests/support/damaged_store_fixture.h"
#include "tests/support/piped_child.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using testing::Damage;
using testing::LayeredStore;
using testing::TempDir;
namespace fs = std::filesystem;

// RocksDB's messages kept for the failure output, not printed.
RepairOptions quiet(std::vector<std::string>* messages) {
  RepairOptions options;
  options.log = [messages](std::string_view line) { messages->emplace_back(line); };
  return options;
}

const RecoveredRegion& region_of(const RepairReport& report, const std::string& name) {
  for (const auto& region : report.regions)
    if (region.name == name) return region;
  throw std::runtime_error("no region " + name + " in the report");
}

// The directories beside `dir` whose name starts with its own.
std::vector<fs::path> siblings_of(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir.parent_path()))
    if (entry.path() != dir &&
        entry.path().filename().string().starts_with(dir.filename().string()))
      found.push_back(entry.path());
  return found;
}

// Reads region "r" through Store::open: which of the layered store's keys
// are there, each with its value.
std::set<int> keys_in_region_r(const fs::path& dir) {
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  auto store = Store::open(dir, options);
  RegionConfig raw;
  raw.enable_key_mangler = false;
  Region& r = store->region("r");
  r.configure(raw);
  std::set<int> present;
  for (int i = 0; i < testing::kLayeredRecords; ++i) {
    const auto value = r.find(testing::layered_key(i));
    if (!value) continue;
    EXPECT_EQ(*value, testing::layered_value(i));
    present.insert(i);
  }
  return present;
}

TEST(RepairTest, DeletedTableFileLosesItsRecordsOnlyAndTheCopyHoldsTheStoreAsItWas) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::apply(Damage::kTableDeleted, store);
  const auto damaged = testing::file_hashes(store.dir);

  std::vector<std::string> messages;
  const RepairReport report = repair_store(store.dir, quiet(&messages));

  EXPECT_EQ(report.copy.parent_path(), store.dir.parent_path());
  EXPECT_TRUE(report.copy.filename().string().starts_with("store.before-repair-")) << report.copy;
  EXPECT_EQ(testing::file_hashes(report.copy), damaged) << "the copy is the store as it was";
  EXPECT_EQ(region_of(report, "r").value_records, 2500u);
  EXPECT_EQ(region_of(report, "r").lock_records, 0u);
  EXPECT_EQ(region_of(report, "r").corrupt_records, 0u);
  EXPECT_EQ(region_of(report, "s").value_records,
            static_cast<std::size_t>(testing::kLayeredOtherRecords));
  EXPECT_TRUE(report.lost_regions.empty());
  EXPECT_FALSE(report.logs_dropped);
  EXPECT_FALSE(report.format_marker_written);

  // Every key but the deleted file's (500-999) is back with its value, also
  // those that were only in the write-ahead log.
  const std::set<int> present = keys_in_region_r(store.dir);
  EXPECT_EQ(present.size(), 2500u);
  for (int i = 0; i < testing::kLayeredRecords; ++i)
    EXPECT_EQ(present.contains(i), i < 500 || i >= 1000) << i;
}

// After any of the ordinary damages, the repaired store opens, verifies
// whole, and holds only records it was given.
using RepairDamageTest = testing::DamagedStoreTest;

TEST_P(RepairDamageTest, RepairedStoreOpensVerifiesAndKeepsWhatWasReadable) {
  std::vector<std::string> messages;
  const RepairReport report = repair_store(store_.dir, quiet(&messages));
  const std::size_t values = region_of(report, "r").value_records;
  switch (GetParam()) {
    case Damage::kTableTruncated:
    case Damage::kTableDeleted:
    case Damage::kTableEndFlipped:
      EXPECT_EQ(values, 2500u) << "all but the damaged file's 500";
      break;
    case Damage::kOlderLogRecord:
    case Damage::kNewestLogRecord:
      EXPECT_GE(values, 2750u) << "at least every record of a table file";
      EXPECT_FALSE(report.logs_dropped);
      break;
    case Damage::kManifestRecord:
      EXPECT_EQ(values, 2750u) << "every record of a table file";
      EXPECT_TRUE(report.logs_dropped) << "a log duplicates a table file";
      break;
  }
  if (GetParam() == Damage::kTableTruncated || GetParam() == Damage::kTableEndFlipped) {
    EXPECT_EQ(report.tables_set_aside,
              std::vector<std::string>{store_.level_one_files[1].filename().string()});
  }

  InspectOptions verify;
  verify.verify = true;
  EXPECT_NO_THROW(inspect_store(store_.dir, verify));
  EXPECT_EQ(keys_in_region_r(store_.dir).size(), values);
}

INSTANTIATE_TEST_SUITE_P(EveryDamage, RepairDamageTest, ::testing::ValuesIn(testing::kEveryDamage),
                         testing::damage_test_name);

TEST(RepairTest, WritesTheFormatMarkerAgainIfTheRepairLostIt) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  fs::remove(store.metadata_file);
  std::vector<std::string> messages;
  const RepairReport report = repair_store(store.dir, quiet(&messages));
  EXPECT_TRUE(report.format_marker_written);
  EXPECT_EQ(region_of(report, "r").value_records,
            static_cast<std::size_t>(testing::kLayeredRecords));
  EXPECT_NO_THROW(Store::open(store.dir));
}

// A repair can lose the table file or log record that held a region's
// reserved fencing-token bound; the region must not hand out its tokens
// again.
TEST(RepairTest, FencingTokensContinueAboveEveryTokenHandedOutBefore) {
  TempDir dir;
  std::uint64_t before = 0;
  fs::path metadata_table;
  {
    StoreOptions options;
    options.sweep_interval = std::chrono::milliseconds(0);
    auto store = Store::open(dir.sub("store"), options);
    Region& r = store->region("r");
    r.configure({});
    for (int i = 0; i < 3; ++i) before = std::max(before, r.get_lock("k").fencing_token());
    engine::Engine& engine = StoreInternals::engine(*store);
    for (auto* family : {engine.db().DefaultColumnFamily(), engine.find_column_family("r")})
      ASSERT_TRUE(engine.db().Flush({}, family).ok());
    std::vector<rocksdb::LiveFileMetaData> files;
    engine.db().GetLiveFilesMetaData(&files);
    for (const auto& file : files)
      if (file.column_family_name == rocksdb::kDefaultColumnFamilyName)
        metadata_table = dir.sub("store") / file.name.substr(1);
  }
  ASSERT_FALSE(metadata_table.empty());
  fs::remove(metadata_table);  // the marker and the reservation with it

  std::vector<std::string> messages;
  const RepairReport report = repair_store(dir.sub("store"), quiet(&messages));
  EXPECT_TRUE(report.format_marker_written);
  EXPECT_GT(report.fencing_tokens_above, before);

  auto store = Store::open(dir.sub("store"));
  Region& r = store->region("r");
  r.configure({});
  const std::uint64_t after = r.get_lock("other").fencing_token();
  EXPECT_GT(after, before) << "a token handed out again";
  EXPECT_GT(after, report.fencing_tokens_above);
}

TEST(RepairTest, ReportsARegionOfWhichNothingCameBack) {
  TempDir dir;
  fs::path gone_table;
  {
    StoreOptions options;
    options.sweep_interval = std::chrono::milliseconds(0);
    auto store = Store::open(dir.sub("store"), options);
    engine::Engine& engine = StoreInternals::engine(*store);
    for (const std::string name : {"kept", "gone"}) {
      store->region(name).configure({});
      store->region(name).set("k", "v");
      ASSERT_TRUE(engine.db().Flush({}, engine.find_column_family(name)).ok());
    }
    ASSERT_TRUE(engine.db().Flush({}, engine.db().DefaultColumnFamily()).ok());
    std::vector<rocksdb::LiveFileMetaData> files;
    engine.db().GetLiveFilesMetaData(&files);
    for (const auto& file : files)
      if (file.column_family_name == "gone") gone_table = dir.sub("store") / file.name.substr(1);
  }
  ASSERT_FALSE(gone_table.empty());
  fs::remove(gone_table);

  std::vector<std::string> messages;
  const RepairReport report = repair_store(dir.sub("store"), quiet(&messages));
  EXPECT_EQ(report.lost_regions, std::vector<std::string>{"gone"});
  ASSERT_EQ(report.regions.size(), 1u);
  EXPECT_EQ(report.regions[0].name, "kept");
  EXPECT_EQ(report.regions[0].value_records, 1u);
}

TEST(RepairTest, RefusesAStoreAnotherProcessHoldsOpenAndChangesNothing) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::PipedChild holder({REGIONKV_STORE_HOLDER, store.dir.string()});
  ASSERT_EQ(holder.read_line(), "open");
  const auto before = testing::file_hashes(store.dir);

  std::vector<std::string> messages;
  try {
    repair_store(store.dir, quiet(&messages));
    FAIL() << "repaired a live store";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Nothing was changed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::file_hashes(store.dir), before);
  EXPECT_TRUE(siblings_of(store.dir).empty()) << "no copy made";

  holder.write_line("close");
  EXPECT_EQ(holder.wait(), 0);
}

TEST(RepairTest, RefusesAStoreThisProcessHoldsOpen) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  auto open = Store::open(store.dir);
  std::vector<std::string> messages;
  EXPECT_THROW(repair_store(store.dir, quiet(&messages)), StorageError);
  EXPECT_TRUE(siblings_of(store.dir).empty());
}

TEST(RepairTest, RefusesADirectoryWithoutRocksDbFiles) {
  TempDir dir;
  fs::create_directory(dir.sub("empty"));
  fs::create_directory(dir.sub("other"));
  std::ofstream(dir.sub("other") / "notes.txt") << "not a store";
  std::ofstream(dir.sub("file")) << "not a directory";
  for (const std::string name : {"missing", "empty", "other", "file"}) {
    SCOPED_TRACE(name);
    std::vector<std::string> messages;
    EXPECT_THROW(repair_store(dir.sub(name), quiet(&messages)), NotAStore);
  }
  EXPECT_FALSE(fs::exists(dir.sub("missing")));
  EXPECT_TRUE(fs::is_empty(dir.sub("empty")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 3);
}

TEST(RepairTest, RefusesWhenTheCopyCannotBeMadeAndChangesNothing) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::apply(Damage::kTableDeleted, store);
  // A FIFO is neither a file, a directory nor a link: the copy refuses it.
  ASSERT_EQ(::mkfifo((store.dir / "fifo").c_str(), 0600), 0);
  const auto before = testing::file_hashes(store.dir);

  std::vector<std::string> messages;
  try {
    repair_store(store.dir, quiet(&messages));
    FAIL() << "repaired without a copy";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot copy it aside"), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::file_hashes(store.dir), before);
  EXPECT_TRUE(siblings_of(store.dir).empty()) << "the partial copy is removed";
}

// A store RocksDB 7.8's repair refuses with or without its logs: level-1
// table files whose sequence numbers overlap (several files out of one
// compaction, a snapshot keeping the older versions of some keys), which
// RepairDB puts side by side at level 0 (region/repair.cc).
void write_store_repair_refuses(const fs::path& dir) {
  engine::StoreRocksDBOptions options = engine::store_rocksdb_options(StoreOptions{});
  options.db.create_if_missing = true;
  options.family.disable_auto_compactions = true;
  options.family.target_file_size_base = 1024;  // about one record a file
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors{
      {rocksdb::kDefaultColumnFamilyName, options.family}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options.db, dir.string(), descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* r = nullptr;
  ASSERT_TRUE(db->CreateColumnFamily(options.family, "r", &r).ok());
  ASSERT_TRUE(db->Put({}, "regionkv.format", "1").ok());
  ASSERT_TRUE(db->Flush({}).ok());
  std::string incompressible;
  for (std::uint32_t i = 0, x = 12345; i < 1000; ++i) {
    x = x * 1103515245 + 12345;
    incompressible += static_cast<char>(x >> 16);
  }
  const auto write_and_flush = [&] {
    for (const std::string key : {"a", "b", "c", "d", "e", "f"})
      ASSERT_TRUE(db->Put({}, r, key, incompressible).ok());
    ASSERT_TRUE(db->Flush({}, r).ok());
  };
  write_and_flush();
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  write_and_flush();
  ASSERT_TRUE(db->CompactRange({}, r, nullptr, nullptr).ok());
  db->ReleaseSnapshot(snapshot);
  db->DestroyColumnFamilyHandle(r);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  ASSERT_TRUE(db->Close().ok());
}

TEST(RepairTest, PutsTheStoreBackWhenRocksDbsRepairFails) {
  TempDir dir;
  write_store_repair_refuses(dir.sub("store"));
  const auto before = testing::file_hashes(dir.sub("store"));

  std::vector<std::string> messages;
  try {
    repair_store(dir.sub("store"), quiet(&messages));
    FAIL() << "RocksDB's repair was expected to refuse this store";
  } catch (const Corruption& e) {
    EXPECT_NE(std::string(e.what()).find("put back as it was"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(".before-repair-"), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::file_hashes(dir.sub("store")), before);
  const auto copies = siblings_of(dir.sub("store"));
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(testing::file_hashes(copies[0]), before);
}

}  // namespace
}  // namespace regionkv
