// regionkv-dump's export and lookup, run as a program: --format jsonl (one
// value record per line, what regionkv-load reads), and --key / --stored-key
// (one record, as redis-cli GET shows one), with their exit statuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/unix_ms.h"
#include "regionkv/printable.h"
#include "regionkv/regionkv.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using json = nlohmann::ordered_json;  // keeps the order fields came in
using std::chrono::hours;
using std::chrono::milliseconds;
using testing::ProgramRun;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kDump = REGIONKV_DUMP_BINARY;

ProgramRun dump(const std::vector<std::string>& args) { return testing::run_program(kDump, args); }

void expect_failure(const ProgramRun& run, int exit_status, const std::string& reason) {
  EXPECT_EQ(run.exit_status, exit_status) << run.err;
  EXPECT_TRUE(run.err.starts_with("regionkv-dump: ")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
}

std::vector<json> jsonl_lines(const ProgramRun& run) {
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  std::vector<json> lines;
  std::istringstream in(run.out);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

std::vector<std::string> field_order(const json& object) {
  std::vector<std::string> names;
  for (auto it = object.begin(); it != object.end(); ++it) names.push_back(it.key());
  return names;
}

StoreOptions clock_at(std::shared_ptr<ManualTimeSource> clock) {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  options.time_source = std::move(clock);
  return options;
}

RegionConfig raw_keys() {
  RegionConfig config;
  config.enable_key_mangler = false;
  return config;
}

// A store this process keeps open while the tool reads it: region "tokens"
// (mangled keys, values expiring after an hour, "forever" a no-expiry key
// from the start, "late" one that joined the set after its value was
// written, a lock on "token-1") and region "blobs" (raw keys, a binary value
// under a key that is not UTF-8).
class ExportToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::open(dir_.sub("store"), clock_at(clock_));
    RegionConfig config;
    config.expire_time = hours(1);
    config.no_expiry_keys = {"forever"};
    Region& tokens = store_->region("tokens");
    tokens.configure(config);
    tokens.set("token-1", "alice");
    tokens.set("forever", "kept");
    tokens.set("late", "joined later");
    tokens.set_no_expiry_keys({"forever", "late"});
    lock_ = tokens.get_lock("token-1");
    Region& blobs = store_->region("blobs");
    blobs.configure(raw_keys());
    blobs.set(std::string("\xff-key", 5), std::string("\0\xff", 2));
  }

  std::string store_dir() const { return dir_.sub("store").string(); }

  TempDir dir_;
  const TimePoint t0_ = common::truncate_to_ms(Clock::now());
  std::shared_ptr<ManualTimeSource> clock_ = std::make_shared<ManualTimeSource>(t0_);
  std::unique_ptr<Store> store_;
  Lock lock_;
};

TEST_F(ExportToolTest, JsonlHasOneLinePerValueRecordWithTheSpecFieldsInOrder) {
  const std::vector<json> lines = jsonl_lines(dump({store_dir(), "--format", "jsonl"}));
  ASSERT_EQ(lines.size(), 4u);  // three tokens and one blob; no lock record
  std::map<std::string, json> by_key;
  for (const json& line : lines) by_key[line["key"].get<std::string>()] = line;

  const json& blob = by_key.at(base64(std::string("\xff-key", 5)));
  EXPECT_EQ(field_order(blob),
            (std::vector<std::string>{"region", "key", "key_encoding", "value", "value_encoding",
                                      "ttl_ms", "no_expiry", "expires_at_ms"}));
  EXPECT_EQ(blob, json::parse(R"({"region": "blobs", "key": "/y1rZXk=", "key_encoding": "base64",
                                  "value": "AP8=", "value_encoding": "base64", "ttl_ms": null,
                                  "no_expiry": false, "expires_at_ms": null})"));

  const json& token = by_key.at(xxh3_mangle_key("token-1"));
  EXPECT_EQ(field_order(token),
            (std::vector<std::string>{"region", "key", "value", "value_encoding", "ttl_ms",
                                      "no_expiry", "expires_at_ms"}));
  EXPECT_EQ(token["region"], "tokens");
  EXPECT_EQ(token["value"], "alice");
  EXPECT_EQ(token["value_encoding"], "utf8");
  EXPECT_EQ(token["no_expiry"], false);
  EXPECT_EQ(token["expires_at_ms"], common::to_unix_ms(t0_) + 3'600'000);
  // Judged by the tool's clock, which has moved on a little since t0.
  EXPECT_GT(token["ttl_ms"].get<std::int64_t>(), 0);
  EXPECT_LE(token["ttl_ms"].get<std::int64_t>(), 3'600'000);

  // No-expiry keys: from the start (no expiry stored), and since later (an
  // expiry stored, which reads ignore): both never expire.
  for (const std::string key : {"forever", "late"}) {
    const json& record = by_key.at(xxh3_mangle_key(key));
    EXPECT_EQ(record["no_expiry"], true) << key;
    EXPECT_EQ(record["ttl_ms"], nullptr) << key;
    EXPECT_EQ(record["expires_at_ms"], nullptr) << key;
  }
}

TEST_F(ExportToolTest, JsonlNeverHoldsLockRecords) {
  const ProgramRun run = dump({store_dir(), "--format", "jsonl", "--region", "tokens"});
  for (const json& line : jsonl_lines(run)) {
    EXPECT_FALSE(line["key"].get<std::string>().starts_with("_lock")) << line.dump();
    EXPECT_EQ(line["region"], "tokens");
  }
  EXPECT_EQ(run.out.find(xxh3_mangle_key("token-1")), run.out.rfind(xxh3_mangle_key("token-1")))
      << "the key appears once: its value, not its lock";
  expect_failure(dump({store_dir(), "--format", "jsonl", "--locks"}), 2, "--locks");
  expect_failure(dump({store_dir(), "--format", "jsonl", "--stats"}), 2, "--stats");
}

TEST_F(ExportToolTest, JsonlWithRegionAndLimitKeepsThatRegionsFirstRecords) {
  const std::vector<json> lines =
      jsonl_lines(dump({store_dir(), "--format", "jsonl", "--region", "tokens", "--limit", "2"}));
  ASSERT_EQ(lines.size(), 2u);
  for (const json& line : lines) EXPECT_EQ(line["region"], "tokens");
}

TEST_F(ExportToolTest, KeyShowsOneValueByTheApplicationsKey) {
  const ProgramRun run = dump({store_dir(), "--region", "tokens", "--key", "token-1"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find("key      " + xxh3_mangle_key("token-1")), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("expires  in 5"), std::string::npos) << run.out;  // 59m5xs
  EXPECT_NE(run.out.find("lock     fencing token " + std::to_string(lock_.fencing_token())),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("size     5 bytes"), std::string::npos) << run.out;
  EXPECT_TRUE(run.out.ends_with("value    alice\n")) << run.out;

  const ProgramRun forever = dump({store_dir(), "--region", "tokens", "--key", "late"});
  EXPECT_NE(forever.out.find("expires  never (no-expiry key)"), std::string::npos) << forever.out;
}

TEST_F(ExportToolTest, KeyLookupInJsonAndJsonlFormats) {
  const std::vector<json> lines = jsonl_lines(
      dump({store_dir(), "--region", "tokens", "--key", "forever", "--format", "jsonl"}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["key"], xxh3_mangle_key("forever"));
  EXPECT_EQ(lines[0]["value"], "kept");

  const ProgramRun run =
      dump({store_dir(), "--region", "tokens", "--key", "token-1", "--format", "json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json region = json::parse(run.out)["regions"].at(0);
  ASSERT_EQ(region["records"].size(), 1u);
  EXPECT_EQ(region["records"][0]["value"], "alice");
  ASSERT_EQ(region["locks"].size(), 1u);  // its lock, beside it
  EXPECT_EQ(region["locks"][0]["fencing_token"], lock_.fencing_token());
}

TEST_F(ExportToolTest, StoredKeyShowsOneValueByItsStoredKey) {
  const ProgramRun run = dump({store_dir(), "--region", "blobs", "--stored-key",
                               std::string("\xff-key", 5), "--format", "jsonl"});
  const std::vector<json> lines = jsonl_lines(run);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["value"], "AP8=");

  const ProgramRun mangled =
      dump({store_dir(), "--region", "tokens", "--stored-key", xxh3_mangle_key("token-1")});
  EXPECT_EQ(mangled.exit_status, 0) << mangled.err;
  EXPECT_TRUE(mangled.out.ends_with("value    alice\n")) << mangled.out;
}

TEST_F(ExportToolTest, AMissingKeyExitsOneWithNotFoundAndPrintsNothing) {
  for (const std::string format : {"table", "json", "jsonl"}) {
    const ProgramRun run =
        dump({store_dir(), "--region", "tokens", "--key", "nobody", "--format", format});
    expect_failure(
        run, 1,
        "region 'tokens': no value at key 'nobody' (stored key " + xxh3_mangle_key("nobody") + ")");
    EXPECT_EQ(run.out, "") << format;
  }
  // Only its lock is stored: still no value.
  store_->region("tokens").erase("token-1");
  expect_failure(dump({store_dir(), "--region", "tokens", "--key", "token-1"}), 1, "no value");
}

TEST_F(ExportToolTest, AnExpiredValueIsNotFoundUnlessAskedFor) {
  // Written two hours before the tool's clock: expired when the tool reads.
  clock_->set(Clock::now() - hours(2));
  store_->region("tokens").set("old", "gone");
  expect_failure(dump({store_dir(), "--region", "tokens", "--key", "old"}), 1,
                 "(an expired one is there; --expired shows it)");
  const ProgramRun run = dump({store_dir(), "--region", "tokens", "--key", "old", "--expired"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("expires  expired 1h"), std::string::npos) << run.out;
}

TEST_F(ExportToolTest, LookupUsageErrors) {
  expect_failure(dump({store_dir(), "--key", "token-1"}), 2, "--region");
  expect_failure(dump({store_dir(), "--region", "tokens", "--key", "a", "--stored-key", "b"}), 2,
                 "excludes");
  expect_failure(dump({store_dir(), "--region", "tokens", "--key", "a", "--locks"}), 2, "excludes");
  expect_failure(dump({store_dir(), "--region", "tokens", "--stored-key", "_lockabc"}), 2,
                 "lock record");
  expect_failure(dump({store_dir(), "--region", "nowhere", "--key", "a"}), 2,
                 "region 'nowhere' is not in store");
}

}  // namespace
}  // namespace regionkv
