// A store is its directory, not the spelling of its path: one handle per
// store per process, one process per store, and errors that say who holds
// it and what to do (issue #21: a second open through "dir/", "dir/.", a
// relative path or a symlink used to succeed and destroy the store).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "regionkv/regionkv.h"
#include "tests/support/directory_digest.h"
#include "tests/support/forked_child.h"
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

std::string open_error(const fs::path& path) {
  try {
    Store::open(path, quiet());
  } catch (const StorageError& e) {
    return e.what();
  }
  return "opened";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(StoreIdentityTest, EverySpellingOfAnOpenStoreIsRefusedNamingTheFirstOpen) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  fs::create_directories(dir.sub("elsewhere"));
  auto store = Store::open(path, quiet());
  store->region("r").configure(raw_keys());
  store->region("r").set("k", "v");
  fs::create_directory_symlink(path, dir.sub("link"));
  const fs::path previous = fs::current_path();
  fs::current_path(dir.path());
  for (const fs::path& alias :
       {fs::path(path.string() + "/"), path / ".", dir.sub("elsewhere") / ".." / "store",
        dir.sub("link"), fs::path("store"), fs::path("./link/")}) {
    const std::string error = open_error(alias);
    EXPECT_TRUE(contains(error, "already open in this process, as " + path.string()))
        << alias << ": " << error;
  }
  fs::current_path(previous);
  store.reset();
  // The store survived the attempts: it reopens, through any spelling.
  auto again = Store::open(dir.sub("link"), quiet());
  again->region("r").configure(raw_keys());
  EXPECT_EQ(again->region("r").get("k"), "v");
}

TEST(StoreIdentityTest, ARefusedSecondOpenChangesNoFile) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), quiet());
  store->region("r").configure(raw_keys());
  for (int i = 0; i < 100; ++i) store->region("r").set("k" + std::to_string(i), "v");
  const auto before = digest_directory(dir.sub("store"));
  EXPECT_NE(open_error(dir.sub("store") / "."), "opened");
  EXPECT_EQ(digest_directory(dir.sub("store")), before);
}

TEST(StoreIdentityTest, AnotherProcessHoldingTheStoreIsNamedByPid) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  int opened[2], finish[2];
  ASSERT_EQ(pipe(opened), 0);
  ASSERT_EQ(pipe(finish), 0);
  // Forked before this process starts any thread (see store_open_test).
  const pid_t holder = fork();
  ASSERT_NE(holder, -1);
  if (holder == 0) {
    close(opened[0]);
    close(finish[1]);
    try {
      auto store = Store::open(path, quiet());
      char byte = 'x';
      if (write(opened[1], &byte, 1) != 1) _exit(2);
      (void)!read(finish[0], &byte, 1);
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  close(opened[1]);
  close(finish[0]);
  char byte;
  ASSERT_EQ(read(opened[0], &byte, 1), 1) << "the holder could not open the store";
  const auto before = digest_directory(path);
  const std::string error = open_error(path);
  EXPECT_TRUE(contains(error, "in use by process " + std::to_string(holder))) << error;
  // The owner record adds what the process is.
  EXPECT_TRUE(contains(error, "engine_store_id")) << error;  // /proc/self/comm, 15 chars
  EXPECT_TRUE(contains(error, "after fork")) << error;
  EXPECT_TRUE(contains(error, "redis or memcached")) << error;
  EXPECT_EQ(digest_directory(path), before);
  close(finish[1]);
  int status = 0;
  waitpid(holder, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NO_THROW(Store::open(path, quiet()));
}

TEST(StoreIdentityTest, FilesThisUserMayNotWriteAreAPermissionProblem) {
  TempDir dir;
  const fs::path path = dir.sub("store");
  { Store::open(path, quiet())->region("r").configure(raw_keys()); }
  for (const auto& entry : fs::directory_iterator(path))
    fs::permissions(entry.path(), fs::perms::owner_read);
  const bool root = geteuid() == 0;
  if (root) {
    // Root writes any file: the open is tried as nobody, who owns the store.
    ASSERT_EQ(chown(dir.path().c_str(), 65534, 65534), 0);
    ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
    for (const auto& entry : fs::directory_iterator(path))
      ASSERT_EQ(chown(entry.path().c_str(), 65534, 65534), 0);
  }
  const auto before = digest_directory(path);
  const auto result = run_in_forked_child(
      [&](std::string& report) {
        if (root && (setgid(65534) != 0 || setuid(65534) != 0)) return 2;
        report = open_error(path);
        return 0;
      },
      ChildExit::kUnderscoreExit);
  ASSERT_EQ(result.exit_status, 0) << result.report;
  EXPECT_TRUE(contains(result.report, "permission denied")) << result.report;
  EXPECT_FALSE(contains(result.report, "in use")) << result.report;
  EXPECT_EQ(digest_directory(path), before);
}

}  // namespace
}  // namespace regionkv::testing
