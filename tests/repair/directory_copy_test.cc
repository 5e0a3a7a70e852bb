// copy_directory_aside and restore_directory: the copy a repair keeps of the
// store, every file of it, and the store put back from it.
#include "engine/directory_copy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/damaged_store.h"
#include "tests/support/temp_dir.h"

namespace regionkv::engine {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

// A directory of a store's kind and more: files of two modes, a file of a
// name RocksDB does not know, a subdirectory, a link.
fs::path write_tree(const fs::path& dir) {
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  std::ofstream(dir / "000012.sst") << "table bytes";
  std::ofstream(dir / "marker-of-another-kind") << "kept too";
  fs::permissions(dir / "marker-of-another-kind", fs::perms::owner_read | fs::perms::group_read,
                  fs::perm_options::replace);
  fs::create_directory(dir / "lost");
  std::ofstream(dir / "lost" / "000003.log") << "an old log";
  fs::create_symlink("000012.sst", dir / "link");
  return dir;
}

TEST(DirectoryCopyTest, CopiesEveryFileWithItsModeBesideTheDirectory) {
  TempDir dir;
  const fs::path store = write_tree(dir.sub("store"));
  const fs::path copy = copy_directory_aside(store, ".before");
  EXPECT_EQ(copy, dir.sub("store.before"));
  EXPECT_EQ(testing::file_hashes(copy), testing::file_hashes(store));
  EXPECT_EQ(fs::status(copy).permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::read_symlink(copy / "link"), "000012.sst");
}

TEST(DirectoryCopyTest, ATakenNameGetsANumber) {
  TempDir dir;
  const fs::path store = write_tree(dir.sub("store"));
  EXPECT_EQ(copy_directory_aside(store, ".before"), dir.sub("store.before"));
  EXPECT_EQ(copy_directory_aside(store, ".before"), dir.sub("store.before-2"));
  EXPECT_EQ(copy_directory_aside(store / "", ".before"), dir.sub("store.before-3"));
}

TEST(DirectoryCopyTest, AFailedCopyLeavesNothingBehind) {
  TempDir dir;
  const fs::path store = write_tree(dir.sub("store"));
  ASSERT_EQ(::mkfifo((store / "fifo").c_str(), 0600), 0);
  EXPECT_THROW(copy_directory_aside(store, ".before"), fs::filesystem_error);
  EXPECT_FALSE(fs::exists(dir.sub("store.before")));
}

TEST(DirectoryCopyTest, RestoreMakesTheDirectoryHoldExactlyTheCopy) {
  TempDir dir;
  const fs::path store = write_tree(dir.sub("store"));
  const fs::path copy = copy_directory_aside(store, ".before");
  const auto original = testing::file_hashes(store);
  std::ofstream(store / "000013.sst") << "written by a repair";
  std::ofstream(store / "000012.sst") << "changed";
  fs::remove_all(store / "lost");

  restore_directory(store, copy);
  EXPECT_EQ(testing::file_hashes(store), original);
  EXPECT_FALSE(fs::exists(store / "000013.sst"));
  EXPECT_EQ(testing::file_hashes(copy), original);
}

}  // namespace
}  // namespace regionkv::engine
