// regionkv-load run as a program, RocksDB to RocksDB: a region moved with
// regionkv-dump --format jsonl keeps its values, time left and no-expiry
// keys; records whose time ran out are left out and counted; a bad record
// stops the load with its line number (the records before it written); a
// store another process holds is refused; and the usage errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "common/unix_ms.h"
#include "regionkv/regionkv.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using testing::ProgramRun;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kDump = REGIONKV_DUMP_BINARY;
const std::string kLoad = REGIONKV_LOAD_BINARY;

ProgramRun load(const std::vector<std::string>& args) { return testing::run_program(kLoad, args); }

void expect_failure(const ProgramRun& run, int exit_status, const std::string& reason) {
  EXPECT_EQ(run.exit_status, exit_status) << run.err;
  EXPECT_TRUE(run.err.starts_with("regionkv-load: ")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

StoreOptions no_sweeper() {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  return options;
}

RegionConfig tokens_config() {
  RegionConfig config;
  config.expire_time = hours(1);
  config.no_expiry_keys = {"forever"};
  return config;
}

// A jsonl line for key `key` (stored as is), value "v".
std::string line(const std::string& key, const std::string& ttl = "null",
                 const std::string& region = "tokens") {
  return R"({"region":")" + region + R"(","key":")" + key +
         R"(","value":"v","value_encoding":"utf8","ttl_ms":)" + ttl + R"(,"no_expiry":false})" +
         "\n";
}

class LoadToolTest : public ::testing::Test {
 protected:
  fs::path source() const { return dir_.sub("source"); }
  fs::path target() const { return dir_.sub("target"); }
  fs::path file() const { return dir_.sub("records.jsonl"); }

  TempDir dir_;
};

TEST_F(LoadToolTest, MovesARegionBetweenStoresKeepingTimeLeftAndNoExpiryKeys) {
  {
    auto store = Store::open(source(), no_sweeper());
    Region& tokens = store->region("tokens");
    tokens.configure(tokens_config());
    for (int i = 0; i < 500; ++i)
      tokens.set("token-" + std::to_string(i), "value-" + std::to_string(i));
    tokens.set("forever", "kept");
    Lock lock = tokens.get_lock("token-1");  // held while the dump runs: not exported
    const ProgramRun dump =
        testing::run_program(kDump, {source().string(), "--region", "tokens", "--format", "jsonl"});
    ASSERT_EQ(dump.exit_status, 0) << dump.err;
    write_file(file(), dump.out);
  }
  const ProgramRun run =
      load({"--region", "tokens", "--store", target().string(), file().string()});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.err, "");  // not a terminal: no progress line
  EXPECT_NE(run.out.find("loaded 501 records into region 'tokens' of store " + target().string()),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("0 left out"), std::string::npos) << run.out;

  {
    // Read through a region configured as the source's.
    auto store = Store::open(target(), no_sweeper());
    Region& tokens = store->region("tokens");
    tokens.configure(tokens_config());
    for (int i = 0; i < 500; ++i)
      ASSERT_EQ(tokens.find("token-" + std::to_string(i)), "value-" + std::to_string(i)) << i;
    EXPECT_EQ(tokens.find("forever"), "kept");
  }

  // Time left as in the source, less the time since; no-expiry stays so;
  // and no lock record came along.
  const auto source_snapshot = inspect_store(source(), {.region = "tokens"});
  const auto target_snapshot = inspect_store(target(), {.region = "tokens"});
  EXPECT_EQ(target_snapshot.regions[0].lock_count, 0u);
  ASSERT_EQ(target_snapshot.regions[0].records.size(), source_snapshot.regions[0].records.size());
  for (std::size_t i = 0; i < source_snapshot.regions[0].records.size(); ++i) {
    const InspectedRecord& was = source_snapshot.regions[0].records[i];
    const InspectedRecord& is = target_snapshot.regions[0].records[i];
    ASSERT_EQ(is.key, was.key);
    if (!was.expires_at) {
      EXPECT_EQ(is.expires_at, std::nullopt);
    } else {
      ASSERT_TRUE(is.expires_at);
      EXPECT_LE(*is.expires_at, *was.expires_at);
      EXPECT_GT(*is.expires_at, *was.expires_at - std::chrono::minutes(30));
    }
  }
}

TEST_F(LoadToolTest, RecordsWhoseTimeRanOutAreLeftOutAndCounted) {
  const std::string ran_out_on_the_way =
      R"({"region":"tokens","key":"late","value":"v","value_encoding":"utf8","ttl_ms":60000,)"
      R"("no_expiry":false,"expires_at_ms":)" +
      std::to_string(common::to_unix_ms(Clock::now()) - 1000) + "}\n";
  write_file(file(), line("live", "3600000") + line("zero", "0") + line("negative", "-5") +
                         ran_out_on_the_way + line("forever"));
  const ProgramRun run =
      load({"--region", "tokens", "--store", target().string(), file().string()});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("loaded 2 records"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("3 left out, their time having run out"), std::string::npos) << run.out;
  const auto snapshot = inspect_store(target(), {.region = "tokens", .include_expired = true});
  std::vector<std::string> keys;
  for (const auto& record : snapshot.regions[0].records) keys.push_back(record.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"forever", "live"}));
}

TEST_F(LoadToolTest, ABadRecordStopsTheLoadWithItsLineNumberAfterWritingThoseBefore) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{not json\n", "line 3: not JSON"},
      {R"({"region":"tokens","key":"k","value":"v","ttl_ms":null,"no_expiry":false})"
       "\n",
       "line 3: no \"value_encoding\" field"},
      {R"({"region":"tokens","key":"k","value":"@","value_encoding":"base64","ttl_ms":null,"no_expiry":false})"
       "\n",
       "line 3: \"value\" is not valid base64"},
      {line("x", "null", "another-region"), "line 3: a record of region 'another-region'"},
  };
  for (const auto& [record, reason] : bad) {
    TempDir dir;
    // Line 2 is empty: skipped, but counted.
    write_file(dir.sub("f"), line("one") + "\n" + record + line("after"));
    const ProgramRun run =
        load({"--region", "tokens", "--store", dir.sub("store").string(), dir.sub("f").string()});
    expect_failure(run, 1, reason);
    EXPECT_NE(run.err.find("the 1 record(s) before it were written"), std::string::npos) << run.err;
    const auto snapshot = inspect_store(dir.sub("store"), {.region = "tokens"});
    ASSERT_EQ(snapshot.regions[0].records.size(), 1u) << reason;
    EXPECT_EQ(snapshot.regions[0].records[0].key, "one");
  }
}

TEST_F(LoadToolTest, CheckReadsEveryRecordAndWritesNothing) {
  write_file(file(), line("a") + line("b"));
  const ProgramRun run =
      load({"--region", "tokens", "--store", target().string(), "--check", file().string()});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.out, "2 records checked, none written (--check)\n");
  EXPECT_FALSE(fs::exists(target()));
  write_file(file(), line("a") + "[]\n");
  expect_failure(
      load({"--region", "tokens", "--store", target().string(), "--check", file().string()}), 1,
      "line 2: not a JSON object; nothing was written (--check)");
}

TEST_F(LoadToolTest, ReadsStandardInput) {
  write_file(file(), line("a"));
  const ProgramRun run =
      testing::run_program("/bin/sh", {"-c", "\"$0\" --region tokens --store \"$1\" - < \"$2\"",
                                       kLoad, target().string(), file().string()});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("loaded 1 records"), std::string::npos) << run.out;
}

TEST_F(LoadToolTest, AStoreAnotherProcessHoldsIsRefusedNamingItsPid) {
  auto held = Store::open(target(), no_sweeper());
  write_file(file(), line("a"));
  const ProgramRun run =
      load({"--region", "tokens", "--store", target().string(), file().string()});
  expect_failure(run, 1, std::to_string(::getpid()));
}

TEST_F(LoadToolTest, TheTargetRegionKeepsTheNoExpiryKeysItsStorePersisted) {
  {
    auto store = Store::open(target(), no_sweeper());
    store->region("tokens").configure(tokens_config());
  }
  const auto before = inspect_no_expiry_keys(target(), "tokens");
  ASSERT_EQ(before, (std::set<std::string>{xxh3_mangle_key("forever")}));
  write_file(file(), line("a"));
  ASSERT_EQ(load({"--region", "tokens", "--store", target().string(), file().string()}).exit_status,
            0);
  EXPECT_EQ(inspect_no_expiry_keys(target(), "tokens"), before);
}

TEST_F(LoadToolTest, UsageErrorsExitTwo) {
  write_file(file(), line("a"));
  const std::string one_target = "Exactly 1 option from [--store,--redis,--memcached]";
  expect_failure(load({"--region", "tokens", file().string()}), 2, one_target);
  expect_failure(load({"--region", "tokens", "--store", target().string(), "--redis",
                       "redis://127.0.0.1:1", file().string()}),
                 2, one_target);
  expect_failure(load({"--store", target().string(), file().string()}), 2, "--region");
  expect_failure(
      load({"--region", "tokens", "--store", target().string(), dir_.sub("missing").string()}), 2,
      "cannot open");
  expect_failure(load({"--region", "tokens", "--store", target().string(), "--backend-arg",
                       "novalue", file().string()}),
                 2, "not KEY=VALUE");
  fs::create_directories(dir_.sub("not-a-store"));
  write_file(dir_.sub("not-a-store") / "stuff", "x");
  expect_failure(
      load({"--region", "tokens", "--store", dir_.sub("not-a-store").string(), file().string()}), 2,
      "not a regionkv store");
  expect_failure(load({"--region", "", "--store", target().string(), file().string()}), 2,
                 "region");
}

}  // namespace
}  // namespace regionkv
