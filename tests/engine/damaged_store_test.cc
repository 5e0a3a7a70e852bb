// An open that refuses changes nothing, and damage is reported, never
// papered over (issue #21). Each test damages a store the way an operator,
// a disk or a bad copy does, and checks the outcome and that every file in
// the directory is byte for byte as it was after a refused open.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/directory_digest.h"
#include "tests/support/plain_rocksdb.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;

StoreOptions quiet() {
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  return options;
}

RegionConfig raw_keys() { return RegionConfig{.enable_key_mangler = false}; }

std::string key(const std::string& region, int i) { return region + "-" + std::to_string(i); }

void write(Store& store, const std::string& region, int from, int to) {
  for (int i = from; i < to; ++i) store.region(region).set(key(region, i), "value");
}

void flush(Store& store, const std::string& region) {
  engine::Engine& engine = StoreInternals::engine(store);
  ASSERT_TRUE(engine.db().Flush(rocksdb::FlushOptions(), engine.column_family(region)).ok());
}

std::unique_ptr<Store> open_configured(const fs::path& path) {
  auto store = Store::open(path, quiet());
  store->region("a").configure(raw_keys());
  store->region("b").configure(raw_keys());
  return store;
}

// A store whose writes are spread over two logs and a table file: region
// a's first writes flushed to a table, b's first writes in the older log
// (kept alive by them), and later writes to both in the newest log.
void make_store_with_two_logs(const fs::path& path) {
  auto store = open_configured(path);
  write(*store, "a", 0, 200);
  write(*store, "b", 0, 200);
  flush(*store, "a");
  write(*store, "a", 200, 400);
  write(*store, "b", 200, 400);
  ASSERT_EQ(files_ending(path, ".log").size(), 2u);
}

void truncate_file(const fs::path& file, std::uintmax_t size) { fs::resize_file(file, size); }

// Opens `path`; expects it refused with `Expected` naming `damage`, and every
// file unchanged.
template <typename Expected>
void expect_refused_untouched(const fs::path& path, const std::string& damage) {
  const auto before = digest_directory(path);
  try {
    Store::open(path, quiet());
    ADD_FAILURE() << "opened a damaged store";
  } catch (const Expected& e) {
    EXPECT_NE(std::string(e.what()).find(damage), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong error: " << e.what();
  }
  EXPECT_EQ(digest_directory(path), before) << "a refused open changed the directory";
}

void expect_values(const fs::path& path, const std::string& region, int from, int to) {
  auto store = open_configured(path);
  for (int i = from; i < to; ++i)
    ASSERT_EQ(store->region(region).find(key(region, i)), "value") << key(region, i);
}

TEST(DamagedStoreTest, CurrentDeletedIsCorruptionAndChangesNothing) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  write(*open_configured(path), "a", 0, 50);  // only in the log
  const std::string current = [&] {
    std::ifstream in(path / "CURRENT");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  fs::remove(path / "CURRENT");
  expect_refused_untouched<Corruption>(path, "CURRENT");
  expect_refused_untouched<Corruption>(path, "regionkv-repair");  // and again: still untouched
  std::ofstream(path / "CURRENT") << current;
  expect_values(path, "a", 0, 50);  // nothing was lost by the refusals
}

TEST(DamagedStoreTest, EmptyCurrentIsCorruption) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  write(*open_configured(path), "a", 0, 50);
  truncate_file(path / "CURRENT", 0);
  expect_refused_untouched<Corruption>(path, "CURRENT");
}

TEST(DamagedStoreTest, CurrentNamingAMissingManifestIsCorruption) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  write(*open_configured(path), "a", 0, 50);
  std::ofstream(path / "CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  expect_refused_untouched<Corruption>(path, "MANIFEST-999999");
}

TEST(DamagedStoreTest, TruncatedManifestIsRefusedUntouched) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  make_store_with_two_logs(path);
  { flush(*open_configured(path), "b"); }
  const auto manifests = files_ending(path, "");
  fs::path manifest;
  for (const auto& file : manifests)
    if (file.filename().string().starts_with("MANIFEST-")) manifest = file;
  truncate_file(manifest, fs::file_size(manifest) / 2);
  expect_refused_untouched<Corruption>(path, "");
}

TEST(DamagedStoreTest, OlderLogDeletedIsCorruption) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  make_store_with_two_logs(path);
  fs::remove(files_ending(path, ".log").front());
  expect_refused_untouched<Corruption>(path, "WAL");
}

TEST(DamagedStoreTest, OlderLogTruncatedIsCorruption) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  make_store_with_two_logs(path);
  const fs::path older = files_ending(path, ".log").front();
  truncate_file(older, fs::file_size(older) / 2);
  expect_refused_untouched<Corruption>(path, "WAL");
}

TEST(DamagedStoreTest, TornTailOfTheNewestLogLosesOnlyTheLastWrite) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  make_store_with_two_logs(path);
  const fs::path newest = files_ending(path, ".log").back();
  truncate_file(newest, fs::file_size(newest) - 10);
  auto store = open_configured(path);
  for (int i = 0; i < 400; ++i) ASSERT_TRUE(store->region("a").find(key("a", i))) << i;
  for (int i = 0; i < 399; ++i) ASSERT_TRUE(store->region("b").find(key("b", i))) << i;
  EXPECT_FALSE(store->region("b").find(key("b", 399)));  // the torn record
}

TEST(DamagedStoreTest, ForeignDatabaseIsRefusedUntouched) {
  TempDir dir;
  const fs::path path = dir.sub("foreign");
  {
    auto db = open_plain_rocksdb(path);
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "their-" + std::to_string(i), "v").ok());
  }
  expect_refused_untouched<StorageError>(path, "not a regionkv store");
}

TEST(DamagedStoreTest, DamagedMarkerFileIsCorruption) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  write(*open_configured(path), "a", 0, 10);
  std::ofstream(path / "REGIONKV-STORE", std::ios::trunc) << "garbage";
  expect_refused_untouched<Corruption>(path, "REGIONKV-STORE");
}

TEST(DamagedStoreTest, CreationStoppedBeforeAnyDataOpensAsANewStore) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  fs::create_directories(path);
  std::ofstream(path / "LOCK");
  std::ofstream(path / "IDENTITY") << "some-id";
  write(*open_configured(path), "a", 0, 10);
  expect_values(path, "a", 0, 10);
}

}  // namespace
}  // namespace regionkv::testing
