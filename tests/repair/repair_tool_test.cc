// regionkv-repair run as a program: a repaired store and what it prints, a
// live store and a directory without a store refused, bad usage.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "tests/support/damaged_store.h"
#include "tests/support/piped_child.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using testing::Damage;
using testing::LayeredStore;
using testing::ProgramRun;
using testing::TempDir;
namespace fs = std::filesystem;

ProgramRun repair(const std::vector<std::string>& args) {
  return testing::run_program(REGIONKV_REPAIR_BINARY, args);
}

// This exit status, and one line on stderr naming the reason.
void expect_failure(const ProgramRun& run, int exit_status, const std::string& reason) {
  EXPECT_EQ(run.exit_status, exit_status) << run.err;
  EXPECT_TRUE(run.err.starts_with("regionkv-repair: ")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(RepairToolTest, RepairsADeletedTableFileAndPrintsWhatCameBackPerRegion) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::apply(Damage::kTableDeleted, store);
  const auto damaged = testing::file_hashes(store.dir);

  const ProgramRun run = repair({store.dir});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  // "copied DIR aside to COPY (the store as it was: ...)"
  const std::string first_line = run.out.substr(0, run.out.find('\n'));
  ASSERT_TRUE(first_line.starts_with("copied " + store.dir.string() + " aside to ")) << run.out;
  const std::size_t from = first_line.find(" aside to ") + std::string(" aside to ").size();
  const fs::path copy = first_line.substr(from, first_line.find(" (", from) - from);
  EXPECT_EQ(copy.parent_path(), store.dir.parent_path());
  EXPECT_TRUE(copy.filename().string().starts_with("store.before-repair-")) << copy;
  EXPECT_EQ(testing::file_hashes(copy), damaged);
  EXPECT_NE(run.out.find("\nregion\tvalues\tlocks\tcorrupt\nr\t2500\t0\t0\ns\t11\t0\t0\n"),
            std::string::npos)
      << run.out;
}

TEST(RepairToolTest, RefusesALiveStoreAndChangesNothing) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::PipedChild holder({REGIONKV_STORE_HOLDER, store.dir.string()});
  ASSERT_EQ(holder.read_line(), "open");
  const auto before = testing::file_hashes(store.dir);

  expect_failure(repair({store.dir}), 1, "in use");
  EXPECT_EQ(testing::file_hashes(store.dir), before);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
      << "no copy beside the store";
  holder.write_line("close");
  EXPECT_EQ(holder.wait(), 0);
}

TEST(RepairToolTest, DirectoryWithoutAStoreIsUsageError) {
  TempDir dir;
  std::ofstream(dir.sub("notes.txt")) << "not a store";
  expect_failure(repair({dir.path()}), 2, "not a regionkv store");
  expect_failure(repair({dir.sub("missing")}), 2, "does not exist");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(RepairToolTest, BadArgumentsAreUsageErrors) {
  TempDir dir;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {}, {dir.path(), "second"}, {dir.path(), "--no-such-option"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    expect_failure(repair(args), 2, "");
  }
}

TEST(RepairToolTest, HelpExitsZero) {
  const ProgramRun run = repair({"--help"});
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_NE(run.out.find("DIR"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace regionkv
