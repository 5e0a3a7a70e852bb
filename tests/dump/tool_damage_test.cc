// regionkv-dump on a damaged store (tests/support/damaged_store.h): exit 1,
// and the error on stderr after whatever could be read, in both formats; the
// JSON stays one valid document of what was read. --verify reads what a
// listing does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/support/damaged_store.h"
#include "tests/support/damaged_store_fixture.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using nlohmann::json;
using testing::Damage;
using testing::LayeredStore;
using testing::ProgramRun;
using testing::RunOptions;
using testing::TempDir;

const std::string kDump = REGIONKV_DUMP_BINARY;

ProgramRun dump(const std::vector<std::string>& args) { return testing::run_program(kDump, args); }

// Both streams as one, in the order the tool wrote them.
std::string dump_interleaved(const std::vector<std::string>& args) {
  RunOptions options;
  options.stderr_into_stdout = true;
  return testing::run_program(kDump, args, options).out;
}

// Exit 1, and one line on stderr naming what failed.
void expect_damage_reported(const ProgramRun& run, const std::string& reason) {
  EXPECT_EQ(run.exit_status, 1) << run.err;
  EXPECT_TRUE(run.err.starts_with("regionkv-dump: ")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
}

// What region "r" of a JSON dump lists: only records the store was given.
std::size_t records_of_r(const json& document) {
  for (const auto& region : document.at("regions")) {
    if (region.at("name") != "r") continue;
    for (const auto& record : region.at("records")) {
      const int i = std::stoi(record.at("key").get<std::string>().substr(4));
      EXPECT_EQ(record.at("value"), testing::layered_value(i));
    }
    return region.at("records").size();
  }
  return 0;
}

using DumpDamageTest = testing::DamagedStoreTest;

TEST_P(DumpDamageTest, JsonIsWhatWasReadThenTheErrorAndExitOne) {
  const ProgramRun run = dump({store_.dir, "--format", "json"});
  expect_damage_reported(run, "Corruption");
  if (!testing::anything_readable_after(GetParam())) {
    EXPECT_EQ(run.out, "") << "nothing is readable";
    return;
  }
  const json document = json::parse(run.out);  // one valid document
  const std::size_t listed = records_of_r(document);
  EXPECT_GT(listed, 0u);
  EXPECT_LT(listed, static_cast<std::size_t>(testing::kLayeredRecords));

  const std::string both = dump_interleaved({store_.dir, "--format", "json"});
  EXPECT_TRUE(both.starts_with(run.out)) << both;
  EXPECT_EQ(both.substr(run.out.size()), run.err);
}

TEST_P(DumpDamageTest, TableIsWhatWasReadThenTheErrorAndExitOne) {
  const ProgramRun run = dump({store_.dir});
  expect_damage_reported(run, "Corruption");
  if (testing::anything_readable_after(GetParam()))
    EXPECT_NE(run.out.find("region 'r': "), std::string::npos) << run.out;
  else
    EXPECT_EQ(run.out, "");

  const std::string both = dump_interleaved({store_.dir});
  EXPECT_EQ(both, run.out + run.err);
}

INSTANTIATE_TEST_SUITE_P(EveryDamage, DumpDamageTest, ::testing::ValuesIn(testing::kEveryDamage),
                         testing::damage_test_name);

TEST(DumpDamageTest, UndamagedLayeredStoreExitsZero) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  const ProgramRun run = dump({store.dir, "--format", "json", "--verify"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(records_of_r(json::parse(run.out)), static_cast<std::size_t>(testing::kLayeredRecords));
}

TEST(DumpDamageTest, DamagedBlockIsReportedAfterTheRegionUpToIt) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::flip_bit(store.level_one_files[1], 10);
  for (const std::string format : {"json", "table"}) {
    const ProgramRun run = dump({store.dir, "--format", format, "--limit", "3"});
    expect_damage_reported(run, "cannot read region 'r'");
    if (format == "json") {
      const json document = json::parse(run.out);
      EXPECT_EQ(records_of_r(document), 3u);
      EXPECT_EQ(document["regions"][1]["records"].size(), 3u);
    } else {
      EXPECT_NE(run.out.find("region 'r': 500 records, first 3 shown"), std::string::npos)
          << run.out;
    }
  }
}

TEST(DumpDamageTest, VerifyFindsADamagedBlockTheDumpDoesNotRead) {
  TempDir dir;
  const LayeredStore store = testing::write_layered_store(dir.sub("store"));
  testing::flip_bit(store.level_one_files[1], 10);
  for (const std::string format : {"json", "table"}) {
    const ProgramRun plain = dump({store.dir, "--region", "s", "--format", format});
    EXPECT_EQ(plain.exit_status, 0) << plain.err;

    const ProgramRun verified = dump({store.dir, "--region", "s", "--format", format, "--verify"});
    expect_damage_reported(verified, "fails verification");
    EXPECT_EQ(verified.out, plain.out);
  }
}

}  // namespace
}  // namespace regionkv
