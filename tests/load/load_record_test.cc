// One jsonl line as regionkv-load reads it: what it accepts (what the dump
// writes), and each way a line can be bad, refused with its reason.
#include "tools/load_record.h"

#include <gtest/gtest.h>

#include "common/unix_ms.h"
#include "regionkv/printable.h"
#include "tools/dump_jsonl.h"

namespace regionkv::tools {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kNow = common::from_unix_ms(1'700'000'000'000);

// The reason parse_load_record gives for `line`, or "" if it accepts it.
std::string refusal(std::string_view line) {
  try {
    parse_load_record(line);
    return "";
  } catch (const BadRecord& e) {
    return e.what();
  }
}

TEST(LoadRecordTest, ReadsBackWhatTheDumpWrites) {
  InspectedRecord record{std::string("\xff\x01", 2), std::string("\0bin", 4), kNow + seconds(5),
                         false};
  const LoadRecord read = parse_load_record(jsonl_record("tokens", record, kNow).dump());
  EXPECT_EQ(read.region, "tokens");
  EXPECT_EQ(read.key, record.key);
  EXPECT_EQ(read.value, record.value);
  EXPECT_EQ(read.ttl, milliseconds(5000));
  EXPECT_EQ(read.expires_at, kNow + seconds(5));
  EXPECT_FALSE(read.no_expiry);

  record = {"k", "text", kNow - seconds(1), false, /*no_expiry=*/true};
  const LoadRecord forever = parse_load_record(jsonl_record("r", record, kNow).dump());
  EXPECT_EQ(forever.value, "text");
  EXPECT_TRUE(forever.no_expiry);
  EXPECT_EQ(forever.ttl, std::nullopt);
  EXPECT_EQ(forever.expires_at, std::nullopt);
}

TEST(LoadRecordTest, ExpiresAtMsIsOptional) {
  const LoadRecord read = parse_load_record(
      R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":10,"no_expiry":false})");
  EXPECT_EQ(read.ttl, milliseconds(10));
  EXPECT_EQ(read.expires_at, std::nullopt);
}

TEST(LoadRecordTest, EachBadLineIsRefusedWithItsReason) {
  const std::string ok_tail =
      R"("value":"v","value_encoding":"utf8","ttl_ms":null,"no_expiry":false})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not JSON"},
      {"{\"region\":", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {"{\"key\":\"k\"," + ok_tail, "no \"region\" field"},
      {R"({"region":"r",)" + ok_tail, "no \"key\" field"},
      {R"({"region":"r","key":7,)" + ok_tail, "\"key\" is not a string"},
      {R"({"region":"r","key":"",)" + ok_tail, "empty key"},
      {R"({"region":"r","key":"_lockabc",)" + ok_tail, "lock records are never loaded"},
      {R"({"region":"r","key":"@@","key_encoding":"base64",)" + ok_tail,
       "\"key\" is not valid base64"},
      {R"({"region":"r","key":"k","key_encoding":"hex",)" + ok_tail, "\"key_encoding\" is 'hex'"},
      {R"({"region":"r","key":"k","value":"v","ttl_ms":null,"no_expiry":false})",
       "no \"value_encoding\" field"},
      {R"({"region":"r","key":"k","value":"QQ","value_encoding":"base64","ttl_ms":null,"no_expiry":false})",
       "\"value\" is not valid base64"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","no_expiry":false})",
       "no \"ttl_ms\" field"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":"5","no_expiry":false})",
       "\"ttl_ms\" is neither an integer nor null"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":1.5,"no_expiry":false})",
       "\"ttl_ms\" is neither an integer nor null"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":18446744073709551615,"no_expiry":false})",
       "\"ttl_ms\" is out of range"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":-99999999999999999,"no_expiry":false})",
       "\"ttl_ms\" is out of range"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":null})",
       "no \"no_expiry\" field"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":null,"no_expiry":1})",
       "\"no_expiry\" is not true or false"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":5,"no_expiry":true})",
       "a no-expiry key with a \"ttl_ms\""},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":null,"no_expiry":false,"expires_at_ms":5})",
       "must be null together"},
      {R"({"region":"r","key":"k","value":"v","value_encoding":"utf8","ttl_ms":5,"no_expiry":false,"expires_at_ms":-1})",
       "\"expires_at_ms\" is out of range"},
      {"{\"region\":\"r\",\"key\":\"\xff\"," + ok_tail, "not JSON"},  // not UTF-8
  };
  for (const auto& [line, reason] : cases) {
    const std::string why = refusal(line);
    EXPECT_NE(why, "") << line;
    EXPECT_NE(why.find(reason), std::string::npos) << line << " -> " << why;
  }
}

TEST(LoadRecordTest, Base64IsDecodedStrictly) {
  for (const std::string bytes : {std::string(), std::string("f"), std::string("fo"),
                                  std::string("foo"), std::string("\0\xff\xfe\x80", 4)})
    EXPECT_EQ(decode_base64(base64(bytes)), bytes);
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zh==", "Zm9=", "Zm=v", "=Zm9", "Zm9v!A==", "Zm 9"})
    EXPECT_EQ(decode_base64(bad), std::nullopt) << bad;
}

TEST(LoadRecordTest, ExpiryIsTheEarlierOfTimeLeftFromNowAndTheDumpsExpiry) {
  LoadRecord record;
  EXPECT_EQ(expiry_when_written(record, kNow), std::nullopt);
  record.ttl = seconds(10);
  EXPECT_EQ(expiry_when_written(record, kNow), kNow + seconds(10));
  record.expires_at = kNow + seconds(4);  // six seconds went by since the dump
  EXPECT_EQ(expiry_when_written(record, kNow), kNow + seconds(4));
  record.expires_at = kNow + seconds(30);  // this clock is behind the dump's
  EXPECT_EQ(expiry_when_written(record, kNow), kNow + seconds(10));
}

}  // namespace
}  // namespace regionkv::tools
