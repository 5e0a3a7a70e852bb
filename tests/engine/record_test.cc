#include "engine/record.h"

#include <gtest/gtest.h>

#include <random>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/little_endian.h"
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

// The checksum as docs/format.md defines it: the low 32 bits of XXH3-64 over
// bytes 0-3 and 8-15 of the header, then the payload, whatever the size.
TEST(RecordTest, ChecksumIsXxh3OfTheHeaderWithoutItAndThePayload) {
  for (std::size_t size : {0, 1, 100, 243, 244, 245, 1000, 100000}) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 7 + 1);
    for (const ExpiresAt& expiry : {ExpiresAt(), ExpiresAt(kSomeTime)}) {
      const std::string bytes = encode_record(RecordKind::kValue, expiry, payload);
      XXH3_state_t state;
      XXH3_64bits_reset(&state);
      XXH3_64bits_update(&state, bytes.data(), 4);
      XXH3_64bits_update(&state, bytes.data() + 8, bytes.size() - 8);
      const auto expected = static_cast<std::uint32_t>(XXH3_64bits_digest(&state));
      EXPECT_EQ(common::read_u32(bytes, 4), expected) << size;
      EXPECT_EQ(decode_record(bytes).payload, payload) << size;
    }
  }
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

// Every single damaged byte of a record, and every cut, is Corruption.
TEST(RecordTest, EveryDamagedOrCutRecordIsCorruption) {
  const std::string records[] = {
      encode_record(RecordKind::kValue, std::nullopt, ""),
      encode_record(RecordKind::kValue, kSomeTime, "value bytes"),
      encode_record(RecordKind::kLock, kSomeTime, std::string(24, '\x07')),
  };
  for (const std::string& good : records) {
    for (std::size_t at = 0; at < good.size(); ++at) {
      for (const unsigned char flip : {0x01, 0x80, 0xff}) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ flip);
        EXPECT_THROW(decode_record(bad), Corruption) << "byte " << at << " ^ " << int{flip};
      }
    }
    for (std::size_t size = 0; size < kRecordHeaderSize; ++size)
      EXPECT_THROW(decode_record(good.substr(0, size)), Corruption) << "cut at " << size;
  }
}

// The decoder is total: any bytes either fail with Corruption or decode to a
// record that encodes back to the very same bytes.
TEST(RecordTest, AnyBytesDecodeToARecordOfThoseBytesOrAreCorruption) {
  std::mt19937 random(42);
  int decoded = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(random() % 40, '\0');
    for (auto& c : bytes) c = static_cast<char>(random());
    // Half the rounds start from a valid record with random bytes around it.
    if (round % 2 == 0)
      bytes = encode_record(round % 4 ? RecordKind::kValue : RecordKind::kLock,
                            round % 3 ? ExpiresAt(kSomeTime) : std::nullopt, bytes);
    try {
      const Record record = decode_record(bytes);
      EXPECT_EQ(encode_record(record.kind, record.expires_at, record.payload), bytes);
      ++decoded;
    } catch (const Corruption&) {
    }
  }
  EXPECT_EQ(decoded, 10000);  // the valid half, and no random bytes
}

TEST(RecordTest, ExtremeExpirySaturatesInsteadOfOverflowing) {
  EXPECT_EQ(common::add_saturating(TimePoint::max() - std::chrono::hours(1), std::chrono::hours(2)),
            TimePoint::max());
  const TimePoint far = common::from_unix_ms(std::numeric_limits<std::int64_t>::max());
  EXPECT_GT(far, kSomeTime);
}

}  // namespace
}  // namespace regionkv::engine
