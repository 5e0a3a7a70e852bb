// fork() after open, as every pre-forking server does (gunicorn --preload,
// uwsgi without lazy-apps, a daemon forking workers): the child's copy of
// the Store, its Regions and Locks refuses every call and touches no file;
// the child exits without hanging; the parent carries on (issue #21: the
// children's writes were lost, several made the store unopenable, and a
// child exiting normally hung for ever).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "regionkv/regionkv.h"
#include "tests/support/directory_digest.h"
#include "tests/support/forked_child.h"
#include "tests/support/sanitizer_fork_locks.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

RegionConfig raw_keys() { return RegionConfig{.enable_key_mangler = false}; }

// Calls `call`; appends to `report` unless it throws StorageError saying
// the process was forked.
template <typename Call>
void expect_refused(std::string& report, const std::string& name, Call call) {
  try {
    call();
    report += name + ": no error\n";
  } catch (const StorageError& e) {
    if (std::string(e.what()).find("was forked from process") == std::string::npos)
      report += name + ": " + e.what() + "\n";
  } catch (const std::exception& e) {
    report += name + ": not StorageError: " + e.what() + "\n";
  }
}

class ForkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    // The sweeper's thread waits on its condition variable, which hung a
    // child's exit; an hour's interval keeps it waiting throughout.
    options.sweep_interval = std::chrono::hours(1);
    store_ = Store::open(dir_.sub("store"), options);
    store_->region("r").configure(raw_keys());
    for (int i = 0; i < 100; ++i) store_->region("r").set("k" + std::to_string(i), "parent");
  }

  fs::path path() const { return dir_.sub("store"); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ForkTest, ChildsCopyRefusesEveryCallAndTouchesNoFile) {
  Region& region = store_->region("r");
  Lock held = region.get_lock("held");
  const auto before = digest_directory(path());
  const auto child = run_in_forked_child([&](std::string& report) {
    expect_refused(report, "get", [&] { region.get("k1"); });
    expect_refused(report, "find", [&] { region.find("k1"); });
    expect_refused(report, "get_multi", [&] { region.get_multi({"k1"}); });
    expect_refused(report, "set", [&] { region.set("child", "v"); });
    expect_refused(report, "set_multi", [&] { region.set_multi({{"child", "v"}}); });
    expect_refused(report, "erase", [&] { region.erase("k1"); });
    expect_refused(report, "erase_multi", [&] { region.erase_multi({"k1"}); });
    expect_refused(report, "get_lock", [&] { region.get_lock("other"); });
    expect_refused(report, "is_locked", [&] { region.is_locked("held"); });
    expect_refused(report, "locked set", [&] { region.set("held", "v", held); });
    expect_refused(report, "get_or_create", [&] { region.get_or_create("c", [] { return "v"; }); });
    expect_refused(report, "backend", [&] { region.backend(); });
    expect_refused(report, "Lock::release", [&] { held.release(); });
    expect_refused(report, "Store::region", [&] { store_->region("new"); });
    expect_refused(report, "Store::region_names", [&] { store_->region_names(); });
    expect_refused(report, "Store::sweep_now", [&] { store_->sweep_now(); });
    expect_refused(report, "Store::stats", [&] { store_->stats(); });
    if (store_->opened_in_this_process()) report += "opened_in_this_process() is true\n";
    return report.empty() ? 0 : 1;  // exit() runs: it must not hang
  });
  EXPECT_FALSE(child.hung) << "the child hung on its way out";
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_EQ(digest_directory(path()), before) << "the child changed the parent's files";

  // The parent carries on untouched: its lock, its values, new writes.
  EXPECT_TRUE(store_->opened_in_this_process());
  EXPECT_TRUE(held.active());
  region.set("held", "parent", held);
  held.release();
  EXPECT_FALSE(region.find("child"));
  region.set("after", "v");
  store_.reset();
  auto reopened = Store::open(path());
  reopened->region("r").configure(raw_keys());
  EXPECT_EQ(reopened->region("r").get("k99"), "parent");
  EXPECT_EQ(reopened->region("r").get("after"), "v");
  EXPECT_FALSE(reopened->region("r").find("child"));
}

TEST_F(ForkTest, ChildDestroyingItsCopyLeavesTheStoreToTheParent) {
  const auto before = digest_directory(path());
  const auto child = run_in_forked_child([&](std::string&) {
    store_.reset();  // what a child's normal teardown does
    return 0;
  });
  EXPECT_FALSE(child.hung);
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_EQ(digest_directory(path()), before);
  EXPECT_EQ(store_->region("r").get("k5"), "parent");
}

TEST_F(ForkTest, ManyChildrenExitingChangeNothing) {
  const auto before = digest_directory(path());
  for (int i = 0; i < 4; ++i) {
    const auto child = run_in_forked_child([&](std::string&) {
      for (int k = 0; k < 50; ++k) {
        try {
          store_->region("r").set("child-" + std::to_string(k), "v");
        } catch (const StorageError&) {
        }
      }
      return 0;
    });
    EXPECT_FALSE(child.hung);
    EXPECT_EQ(child.exit_status, 0);
  }
  EXPECT_EQ(digest_directory(path()), before);
  store_.reset();
  auto reopened = Store::open(path());
  reopened->region("r").configure(raw_keys());
  EXPECT_FALSE(reopened->region("r").find("child-0"));
  EXPECT_EQ(reopened->region("r").get("k0"), "parent");
}

TEST_F(ForkTest, ChildOpeningTheParentsStoreIsToldTheParentHoldsIt) {
  const auto child = run_in_forked_child([&](std::string& report) {
    try {
      Store::open(path());
      report = "opened";
    } catch (const StorageError& e) {
      report = e.what();
    }
    return 0;
  });
  EXPECT_FALSE(child.hung);
  EXPECT_NE(child.report.find("in use by process " + std::to_string(getpid())), std::string::npos)
      << child.report;
}

TEST_F(ForkTest, ChildMayOpenAStoreOfItsOwn) {
  const auto child = run_in_forked_child([&](std::string& report) {
    auto own = Store::open(dir_.sub("child-store"));
    own->region("r").configure(raw_keys());
    own->region("r").set("k", "child");
    report = own->region("r").get("k");
    return 0;
  });
  EXPECT_FALSE(child.hung);
  EXPECT_EQ(child.exit_status, 0) << child.report;
  EXPECT_EQ(child.report, "child");
}

TEST(ForkAfterCloseTest, ChildOfAProcessThatClosedItsStoreExitsWithoutHanging) {
  // RocksDB's background threads outlive every database; their static
  // objects hung a forked child's exit(). Shown failing: without the
  // handler of engine/forked_child_exit.cc, this test and
  // ChildsCopyRefusesEveryCallAndTouchesNoFile report the child hung.
  TempDir dir;
  {
    auto store = Store::open(dir.sub("store"));
    store->region("r").configure(raw_keys());
    store->region("r").set("k", "v");
  }
  const auto child = run_in_forked_child([](std::string&) { return 7; });
  EXPECT_FALSE(child.hung);
  EXPECT_EQ(child.exit_status, 7);
}

TEST(ForkedChildHelperTest, AChildThatHangsIsKilledAndWhereItHangsReported) {
  // What a test failing on a hung child prints: where it hangs.
  const auto child = run_in_forked_child(
      [](std::string&) {
        for (;;) pause();
        return 0;
      },
      ChildExit::kExit, std::chrono::seconds(2));
  EXPECT_TRUE(child.hung);
  EXPECT_EQ(child.exit_status, -1);
  EXPECT_EQ(child.report.rfind("\n[the child hung: ", 0), 0u) << child.report;
  const bool stacks = fs::exists("/usr/bin/gdb");
  EXPECT_NE(child.report.find(stacks ? "pause" : "waiting in"), std::string::npos) << child.report;
}

TEST(ForkUnderSanitizerTest, AChildForkedWhileAThreadHoldsTheAllocatorLockAllocates) {
  // Each test forks beside the store's RocksDB threads, which allocate at
  // any moment. Shown failing: without the handlers of
  // tests/support/sanitizer_fork_locks.cc the child hangs in malloc.
  if (!sanitizer_fork_locks_registered())
    GTEST_SKIP() << "only under AddressSanitizer with its runtime's locks (clang)";
  std::atomic<bool> held{false};
  std::atomic<bool> forked{false};
  // Nothing here allocates while the lock is held. The holder lets go once
  // the fork is done, or after a second: with the handlers, fork() waits
  // for the lock.
  std::thread holder([&] {
    hold_sanitizer_allocator_lock();
    held = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!forked && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(1));
    release_sanitizer_allocator_lock();
  });
  while (!held) std::this_thread::sleep_for(milliseconds(1));
  // Allocates nothing before the fork, nor in the parent before after_fork.
  const auto child = run_in_forked_child(
      [](std::string&) {
        // Large: served under the lock, not from the thread's cache.
        free(malloc(std::size_t{1} << 20));
        return 0;
      },
      ChildExit::kUnderscoreExit, std::chrono::seconds(30), [&] { forked = true; });
  holder.join();
  EXPECT_FALSE(child.hung) << "the child hung in malloc" << child.report;
  EXPECT_EQ(child.exit_status, 0);
}

}  // namespace
}  // namespace regionkv::testing
