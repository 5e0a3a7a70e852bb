// regionkv-dump's output formats, rendered from snapshots built by hand: the
// JSON document of the spec, field by field, and the table for people.
#include <gtest/gtest.h>

#include <sstream>

#include "engine/record.h"
#include "tools/dump_json.h"
#include "tools/dump_jsonl.h"
#include "tools/dump_table.h"

namespace regionkv::tools {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kNow = common::from_unix_ms(1'700'000'000'000);

std::set<std::string> field_names(const json& object) {
  std::set<std::string> names;
  for (const auto& [name, value] : object.items()) names.insert(name);
  return names;
}

StoreSnapshot one_region(RegionSnapshot region) {
  StoreSnapshot snapshot;
  snapshot.now = kNow;
  snapshot.regions.push_back(std::move(region));
  return snapshot;
}

RegionSnapshot named(std::string name) {
  RegionSnapshot region;
  region.name = std::move(name);
  return region;
}

InspectedLock lock_at(std::string key, std::uint64_t token, TimePoint acquired,
                      milliseconds lease) {
  InspectedLock lock;
  lock.key = std::move(key);
  lock.fencing_token = token;
  lock.acquired_at = acquired;
  lock.lease = lease;
  if (lease.count() > 0) lock.lease_ends = acquired + lease;
  lock.lease_expired = lock.lease_ends && *lock.lease_ends <= kNow;
  return lock;
}

// ---- JSON lines ---------------------------------------------------------------

TEST(DumpJsonlTest, TimeLeftRoundsUpSoALiveRecordHasSomeLeft) {
  InspectedRecord record{"k", "v", kNow + std::chrono::microseconds(10), false};
  EXPECT_EQ(time_left(record, kNow), milliseconds(1));
  record.expires_at = kNow + minutes(1);
  EXPECT_EQ(time_left(record, kNow), minutes(1));
  record.expires_at = kNow;  // expired (listed with --expired)
  EXPECT_EQ(time_left(record, kNow), milliseconds(0));
  record.expires_at = kNow - seconds(3);
  EXPECT_EQ(time_left(record, kNow), milliseconds(-3000));
}

TEST(DumpJsonlTest, NoExpiryKeysAndValuesWithoutExpiryHaveNoTimeLeft) {
  InspectedRecord record{"k", "v", std::nullopt, false};
  EXPECT_EQ(time_left(record, kNow), std::nullopt);
  record.expires_at = kNow - minutes(1);
  record.no_expiry = true;
  EXPECT_EQ(time_left(record, kNow), std::nullopt);
  const auto line = jsonl_record("r", record, kNow);
  EXPECT_EQ(line["ttl_ms"], nullptr);
  EXPECT_EQ(line["expires_at_ms"], nullptr);
  EXPECT_EQ(line["no_expiry"], true);
}

TEST(DumpJsonlTest, OneLineCarriesWhatALoadNeeds) {
  const InspectedRecord record{"k", "text", kNow + seconds(5), false};
  EXPECT_EQ(jsonl_record("tokens", record, kNow).dump(),
            R"({"region":"tokens","key":"k","value":"text","value_encoding":"utf8",)"
            R"("ttl_ms":5000,"no_expiry":false,"expires_at_ms":1700000005000})");
}

// ---- JSON -------------------------------------------------------------------

TEST(DumpJsonTest, HasExactlyTheSpecifiedShape) {
  RegionSnapshot region = named("tokens");
  region.records.push_back({"k1", "text", kNow + minutes(1), false});
  region.locks.push_back(lock_at("k1", 7, kNow - seconds(1), seconds(6)));

  const json out = dump_json(one_region(region));
  EXPECT_EQ(field_names(out), (std::set<std::string>{"regions"}));
  ASSERT_EQ(out["regions"].size(), 1u);
  const json& r = out["regions"][0];
  EXPECT_EQ(field_names(r), (std::set<std::string>{"name", "records", "locks"}));
  EXPECT_EQ(field_names(r["records"][0]),
            (std::set<std::string>{"key", "value", "value_encoding", "expires_at_ms"}));
  EXPECT_EQ(
      field_names(r["locks"][0]),
      (std::set<std::string>{"key", "fencing_token", "acquired_at_ms", "lease_expires_at_ms"}));
}

TEST(DumpJsonTest, RecordFieldsCarryKeyValueAndExpiryInMilliseconds) {
  RegionSnapshot region = named("tokens");
  region.records.push_back({"k1", R"({"user": "alice"})", kNow + minutes(1), false});
  region.records.push_back({"k2", "forever", std::nullopt, false});

  const json records = dump_json(one_region(region))["regions"][0]["records"];
  EXPECT_EQ(records[0]["key"], "k1");
  EXPECT_EQ(records[0]["value"], R"({"user": "alice"})");
  EXPECT_EQ(records[0]["value_encoding"], "utf8");
  EXPECT_EQ(records[0]["expires_at_ms"], 1'700'000'060'000);
  EXPECT_TRUE(records[1]["expires_at_ms"].is_null());
}

TEST(DumpJsonTest, ValueThatIsNotPrintableUtf8IsBase64) {
  RegionSnapshot region = named("r");
  region.records.push_back({"k", std::string("\0\xff\xfe\x80", 4), std::nullopt, false});
  region.records.push_back({"t", "tab\there", std::nullopt, false});
  region.records.push_back({"c", "bell\x07", std::nullopt, false});

  const json records = dump_json(one_region(region))["regions"][0]["records"];
  EXPECT_EQ(records[0]["value"], "AP/+gA==");
  EXPECT_EQ(records[0]["value_encoding"], "base64");
  EXPECT_EQ(records[1]["value_encoding"], "utf8");
  EXPECT_EQ(records[2]["value"], "YmVsbAc=");
  EXPECT_EQ(records[2]["value_encoding"], "base64");
}

TEST(DumpJsonTest, LockFieldsCarryTokenAndTimes) {
  RegionSnapshot region = named("r");
  region.locks.push_back(lock_at("k", 42, kNow - seconds(2), seconds(6)));
  region.locks.push_back(lock_at("n", 43, kNow, milliseconds(0)));

  const json locks = dump_json(one_region(region))["regions"][0]["locks"];
  EXPECT_EQ(locks[0]["key"], "k");
  EXPECT_EQ(locks[0]["fencing_token"], 42);
  EXPECT_EQ(locks[0]["acquired_at_ms"], 1'699'999'998'000);
  EXPECT_EQ(locks[0]["lease_expires_at_ms"], 1'700'000'004'000);
  EXPECT_TRUE(locks[1]["lease_expires_at_ms"].is_null());  // never runs out
}

TEST(DumpJsonTest, KeyThatIsNotUtf8IsBase64AndSaysSo) {
  RegionSnapshot region = named("r");
  region.records.push_back({std::string("\xff\x00", 2), "v", std::nullopt, false});
  region.locks.push_back(lock_at("\xfe", 1, kNow, seconds(1)));

  const json r = dump_json(one_region(region))["regions"][0];
  EXPECT_EQ(r["records"][0]["key"], "/wA=");
  EXPECT_EQ(r["records"][0]["key_encoding"], "base64");
  EXPECT_EQ(r["locks"][0]["key"], "/g==");
  EXPECT_EQ(r["locks"][0]["key_encoding"], "base64");
  EXPECT_NO_THROW(dump_json(one_region(region)).dump());
}

TEST(DumpJsonTest, EmptyStoreIsAnEmptyRegionList) {
  EXPECT_EQ(dump_json(StoreSnapshot{}).dump(), R"({"regions":[]})");
}

// ---- Table ------------------------------------------------------------------

std::string table(const StoreSnapshot& snapshot, InspectOptions options = {}) {
  std::ostringstream out;
  write_table(snapshot, options, out);
  return out.str();
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

TEST(DumpTableTest, SummaryHasCountsAndBytesPerRegion) {
  RegionSnapshot region = named("tokens");
  region.live_record_count = 4;
  region.expired_record_count = 1;
  region.lock_count = 2;
  region.stored_bytes = 512;
  const std::string out = table(one_region(region));
  EXPECT_TRUE(has_line(out, "region  records  expired  locks  bytes")) << out;
  EXPECT_TRUE(has_line(out, "tokens  4        1        2      512")) << out;
}

TEST(DumpTableTest, RecordsShowKeyTimeLeftAndPreview) {
  RegionSnapshot region = named("r");
  region.live_record_count = 2;
  region.records.push_back({"k1", "hello", kNow + minutes(59) + seconds(58), false});
  region.records.push_back({"k2", std::string(100, 'x'), std::nullopt, false});
  const std::string out = table(one_region(region));
  EXPECT_TRUE(has_line(out, "region 'r': 2 records")) << out;
  EXPECT_TRUE(has_line(out, "  key  expires in  value")) << out;
  EXPECT_TRUE(has_line(out, "  k1   59m58s      hello")) << out;
  EXPECT_TRUE(has_line(out, "  k2   never       " + std::string(60, 'x') + "... (100 bytes)"))
      << out;
}

TEST(DumpTableTest, BinaryValuesAreEscaped) {
  RegionSnapshot region = named("r");
  region.live_record_count = 1;
  region.records.push_back({"k", std::string("\0\xff", 2), std::nullopt, false});
  EXPECT_TRUE(has_line(table(one_region(region)), "  k    never       \\x00\\xff"));
}

TEST(DumpTableTest, SaysHowManyExpiredRecordsAreHidden) {
  RegionSnapshot region = named("r");
  region.live_record_count = 0;
  region.expired_record_count = 3;
  EXPECT_TRUE(has_line(table(one_region(region)),
                       "region 'r': 0 records (3 expired hidden; --expired shows them)"));
}

TEST(DumpTableTest, ExpiredRecordsShownSayHowLongAgo) {
  RegionSnapshot region = named("r");
  region.expired_record_count = 1;
  region.records.push_back({"k", "v", kNow - seconds(90), true});
  InspectOptions options;
  options.include_expired = true;
  const std::string out = table(one_region(region), options);
  EXPECT_TRUE(has_line(out, "region 'r': 1 record")) << out;
  EXPECT_TRUE(has_line(out, "  k    expired 1m30s ago  v")) << out;
}

TEST(DumpTableTest, LimitedListingsSayHowManyAreShown) {
  RegionSnapshot region = named("r");
  region.live_record_count = 5;
  region.records.push_back({"k", "v", std::nullopt, false});
  EXPECT_TRUE(has_line(table(one_region(region)), "region 'r': 5 records, first 1 shown"));
}

TEST(DumpTableTest, LocksShowTokenAgeLeaseLeftAndRunOut) {
  RegionSnapshot region = named("r");
  region.lock_count = 3;
  region.locks.push_back(lock_at("held", 7, kNow - milliseconds(1200), seconds(6)));
  region.locks.push_back(lock_at("stale", 3, kNow - minutes(10), seconds(6)));
  region.locks.push_back(lock_at("forever", 9, kNow - hours(2), milliseconds(0)));
  const std::string out = table(one_region(region));
  EXPECT_TRUE(has_line(out, "region 'r': 3 locks")) << out;
  EXPECT_TRUE(has_line(out, "  key      fencing token  age     lease left      lease run out"))
      << out;
  EXPECT_TRUE(has_line(out, "  held     7              1.2s    4.8s            no")) << out;
  EXPECT_TRUE(has_line(out, "  stale    3              10m00s  0               yes")) << out;
  EXPECT_TRUE(has_line(out, "  forever  9              2h00m   never runs out  no")) << out;
}

TEST(DumpTableTest, LocksOnlyLeavesRecordsOut) {
  RegionSnapshot region = named("r");
  region.live_record_count = 1;
  InspectOptions options;
  options.locks_only = true;
  const std::string out = table(one_region(region), options);
  EXPECT_EQ(out.find("record"), out.find("records  expired"));  // summary only
  EXPECT_TRUE(has_line(out, "region 'r': 0 locks")) << out;
}

TEST(DumpTableTest, CorruptRecordsAreListedWithTheirProblem) {
  RegionSnapshot region = named("r");
  region.corrupt.push_back({"bad", "corrupt record: checksum mismatch"});
  const std::string out = table(one_region(region));
  EXPECT_TRUE(has_line(out, "region 'r': 1 corrupt record")) << out;
  EXPECT_TRUE(has_line(out, "  bad  corrupt record: checksum mismatch")) << out;
}

TEST(DumpTableTest, EmptyStoreSaysSo) {
  EXPECT_EQ(table(StoreSnapshot{}), "the store holds no regions\n");
}

TEST(FormatDurationTest, PicksAUnitForEachScale) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0ms");
  EXPECT_EQ(format_duration(milliseconds(850)), "850ms");
  EXPECT_EQ(format_duration(milliseconds(4870)), "4.8s");
  EXPECT_EQ(format_duration(minutes(59) + seconds(58)), "59m58s");
  EXPECT_EQ(format_duration(hours(23) + minutes(59)), "23h59m");
  EXPECT_EQ(format_duration(hours(76)), "3d04h");
  EXPECT_EQ(format_duration(milliseconds(-1500)), "-1.5s");
  EXPECT_FALSE(format_duration(milliseconds::min()).empty());
}

}  // namespace
}  // namespace regionkv::tools
