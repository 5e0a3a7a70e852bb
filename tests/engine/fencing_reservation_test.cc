// engine/fencing_reservation.h: the stored fencing bound and its check, used
// by the rocksdb store, DefaultLocks, repair and backup alike.
//
// Seen failing once: with decode_fencing_bound accepting any size of at least
// 8 bytes, OnlyEightBytesAreABound and
// ReadingAnythingElseIsCorruptionNamingTheRegion failed.
#include "engine/fencing_reservation.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "regionkv/errors.h"
#include "tests/support/message_of.h"

namespace regionkv::engine {
namespace {

TEST(FencingBoundTest, StoredAsEightBytesLittleEndian) {
  EXPECT_EQ(encode_fencing_bound(0x0102030405060708),
            std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  for (std::uint64_t bound :
       {std::uint64_t{0}, std::uint64_t{4096}, std::numeric_limits<std::uint64_t>::max()}) {
    EXPECT_EQ(decode_fencing_bound(encode_fencing_bound(bound)), bound);
    EXPECT_EQ(read_fencing_bound("r", encode_fencing_bound(bound)), bound);
  }
}

TEST(FencingBoundTest, OnlyEightBytesAreABound) {
  EXPECT_EQ(decode_fencing_bound(""), std::nullopt);
  EXPECT_EQ(decode_fencing_bound(std::string(7, '\x01')), std::nullopt);
  EXPECT_EQ(decode_fencing_bound(std::string(9, '\x01')), std::nullopt);
}

TEST(FencingBoundTest, ReadingAnythingElseIsCorruptionNamingTheRegion) {
  EXPECT_THROW(read_fencing_bound("tokens", std::string(9, '\0')), Corruption);
  EXPECT_EQ(testing::message_of([] { read_fencing_bound("tokens", "abc"); }),
            "region 'tokens': corrupt fencing counter (3 bytes)");
}

}  // namespace
}  // namespace regionkv::engine
