#include "engine/record.h"

#include <gtest/gtest.h>

#include <random>

#include "regionkv/errors.h"

namespace regionkv::engine {
namespace {

const TimePoint kSomeTime = common::from_unix_ms(1'700'000'000'123);

TEST(RecordTest, ValueWithoutExpiryRoundTrips) {
  const std::string payload("binary\0payload", 14);
  const std::string bytes = encode_record(RecordKind::kValue, std::nullopt, payload);
  EXPECT_EQ(bytes.size(), kRecordHeaderSize + payload.size());
  const Record record = decode_record(bytes);
  EXPECT_EQ(record.kind, RecordKind::kValue);
  EXPECT_FALSE(record.expires_at.has_value());
  EXPECT_EQ(record.payload, payload);
}

TEST(RecordTest, LockWithExpiryRoundTrips) {
  const Record record = decode_record(encode_record(RecordKind::kLock, kSomeTime, "x"));
  EXPECT_EQ(record.kind, RecordKind::kLock);
  ASSERT_TRUE(record.expires_at.has_value());
  EXPECT_EQ(*record.expires_at, kSomeTime);
}

TEST(RecordTest, EmptyPayloadRoundTrips) {
  EXPECT_EQ(decode_record(encode_record(RecordKind::kValue, std::nullopt, "")).payload, "");
}

TEST(RecordTest, LiveUntilTheExactExpiryMillisecond) {
  Record record;
  record.expires_at = kSomeTime;
  EXPECT_TRUE(record.live_at(kSomeTime - std::chrono::milliseconds(1)));
  EXPECT_FALSE(record.live_at(kSomeTime));
}

TEST(RecordTest, ShortRecordIsCorruption) {
  EXPECT_THROW(decode_record(""), Corruption);
  EXPECT_THROW(decode_record(std::string(kRecordHeaderSize - 1, '\1')), Corruption);
}

TEST(RecordTest, EveryHeaderFieldIsValidated) {
  const std::string good = encode_record(RecordKind::kValue, kSomeTime, "payload");
  ASSERT_NO_THROW(decode_record(good));
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    EXPECT_THROW(decode_record(bad), Corruption) << "byte " << i << " flipped";
  }
}

TEST(RecordTest, UnknownVersionKindAndFlagsNamed) {
  std::string bad = encode_record(RecordKind::kValue, std::nullopt, "v");
  bad[0] = 9;
  try {
    decode_record(bad);
    FAIL() << "no exception";
  } catch (const Corruption& e) {
    EXPECT_NE(std::string(e.what()).find("version 9"), std::string::npos) << e.what();
  }
}

TEST(RecordTest, RandomBytesNeverCrash) {
  std::mt19937 random(42);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(random() % 40, '\0');
    for (auto& c : bytes) c = static_cast<char>(random());
    if (round % 2 == 0 && bytes.size() >= kRecordHeaderSize) bytes[0] = 1;
    try {
      decode_record(bytes);
    } catch (const Corruption&) {
    }
  }
}

TEST(RecordTest, ExtremeExpirySaturatesInsteadOfOverflowing) {
  EXPECT_EQ(common::add_saturating(TimePoint::max() - std::chrono::hours(1), std::chrono::hours(2)),
            TimePoint::max());
  const TimePoint far = common::from_unix_ms(std::numeric_limits<std::int64_t>::max());
  EXPECT_GT(far, kSomeTime);
}

}  // namespace
}  // namespace regionkv::engine
