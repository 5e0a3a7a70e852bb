// Who may read a store: a directory the store creates is mode 0700 and
// every file it writes mode 0600, whatever the umask; a store directory
// other users may enter still opens, and the store says so once through its
// log callback. These check mode bits, not access: the tests run as root
// too, which permission checks do not stop.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/owner_only_files.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

unsigned mode_of(const fs::path& path) {
  return static_cast<unsigned>(fs::status(path).permissions()) & 07777;
}

// Sets the process umask for the scope of a test.
class Umask {
 public:
  explicit Umask(mode_t mask) : previous_(::umask(mask)) {}
  ~Umask() { ::umask(previous_); }

 private:
  mode_t previous_;
};

// A store with data in its write-ahead log and in a table file, closed.
void write_store(const fs::path& dir, StoreOptions options = {}) {
  options.sweep_interval = std::chrono::milliseconds(0);
  auto store = Store::open(dir, options);
  Region& region = store->region("tokens");
  region.configure({});
  region.set("token", "secret");
  auto& engine = StoreInternals::engine(*store);
  ASSERT_TRUE(
      engine.db().Flush(rocksdb::FlushOptions(), engine.column_family("tokens")).ok());
  region.set("later", "also secret");
}

void expect_owner_only_files(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
    if (entry.is_directory()) {
      EXPECT_EQ(mode_of(entry.path()), 0700u) << entry.path();
    } else {
      EXPECT_EQ(mode_of(entry.path()), 0600u) << entry.path();
    }
  }
  // What RocksDB writes: the log, a table file, the manifest, OPTIONS...
  auto has = [&](std::string_view suffix) {
    for (const auto& name : names)
      if (name.ends_with(suffix)) return true;
    return false;
  };
  EXPECT_TRUE(has(".log") && has(".sst") && has("CURRENT") && has("LOCK") &&
              has("IDENTITY"));
}

TEST(FileAccessTest, NewStoreDirectoryIs0700AndEveryFile0600EvenUnderUmaskZero) {
  TempDir dir;
  Umask permissive(0);
  write_store(dir.sub("parent") / "store");
  EXPECT_EQ(mode_of(dir.sub("parent") / "store"), 0700u);
  expect_owner_only_files(dir.sub("parent") / "store");
}

TEST(FileAccessTest, FilesStayOwnerOnlyAcrossReopensAndCompactions) {
  TempDir dir;
  Umask permissive(0);
  write_store(dir.sub("store"));
  {
    auto store = Store::open(dir.sub("store"));
    store->region("tokens").configure({});
    EXPECT_EQ(store->region("tokens").get("later"), "also secret");
    auto& engine = StoreInternals::engine(*store);
    ASSERT_TRUE(engine.db()
                    .CompactRange(rocksdb::CompactRangeOptions(),
                                  engine.column_family("tokens"), nullptr, nullptr)
                    .ok());
  }
  expect_owner_only_files(dir.sub("store"));
}

TEST(FileAccessTest, UmaskWithoutOwnerBitsStillLeavesAUsableStore) {
  TempDir dir;
  Umask strict(0777);
  write_store(dir.sub("store"));
  EXPECT_EQ(mode_of(dir.sub("store")), 0700u);
  expect_owner_only_files(dir.sub("store"));
}

TEST(FileAccessTest, DirectoryOthersMayEnterOpensAndIsReportedOnce) {
  TempDir dir;
  fs::create_directory(dir.sub("store"));
  fs::permissions(dir.sub("store"), fs::perms(0755));
  std::vector<std::string> lines;
  StoreOptions options;
  options.log = [&](std::string_view line) { lines.emplace_back(line); };
  write_store(dir.sub("store"), options);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(dir.sub("store").string()), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("open to other users (mode 0755)"), std::string::npos) << lines[0];
  EXPECT_EQ(mode_of(dir.sub("store")), 0755u);  // the owner's to change, not ours
  expect_owner_only_files(dir.sub("store"));    // the files are safe all the same

  lines.clear();
  fs::permissions(dir.sub("store"), fs::perms(0700));
  write_store(dir.sub("store"), options);
  EXPECT_TRUE(lines.empty());
}

TEST(FileAccessTest, AnyGroupOrOtherBitCountsAsOpen) {
  EXPECT_FALSE(engine::others_may_access(fs::perms(0700)));
  EXPECT_TRUE(engine::others_may_access(fs::perms(0710)));
  EXPECT_TRUE(engine::others_may_access(fs::perms(0701)));
  EXPECT_TRUE(engine::others_may_access(fs::perms(0740)));
}

}  // namespace
}  // namespace regionkv
