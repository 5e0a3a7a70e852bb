// The expected-state log's parser: a line the kill cut short is read as never
// written; any other malformed line is an error.
#include "tests/crash/expected_state.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

RoundLog parse(const std::string& text) {
  TempDir dir;
  const auto path = dir.sub("log");
  std::ofstream(path, std::ios::binary) << text;
  return parse_round_log(path);
}

TEST(ExpectedStateLogTest, APendingLineCutShortWasNeverIssued) {
  const RoundLog log = parse("P 1 set k1 v1\nA 1\nP 2 multi k1 x k2");
  ASSERT_EQ(log.operations.size(), 1u);
  EXPECT_TRUE(log.operations[0].acknowledged);
}

TEST(ExpectedStateLogTest, AnAcknowledgementCutShortLeavesItsOperationInFlight) {
  const RoundLog log = parse("P 1 set k1 v1\nA 1\nP 2 erase k1\nA ");
  ASSERT_EQ(log.operations.size(), 2u);
  EXPECT_TRUE(log.operations[0].acknowledged);
  EXPECT_FALSE(log.operations[1].acknowledged);
}

TEST(ExpectedStateLogTest, AReleaseCutShortLeavesItsLockHeld) {
  const RoundLog log = parse("G k1 7 1000\nQ k1");
  ASSERT_EQ(log.grants.size(), 1u);
  EXPECT_FALSE(log.grants[0].release_started);
  EXPECT_FALSE(log.grants[0].released);
}

TEST(ExpectedStateLogTest, AWholeMalformedLineIsAnError) {
  EXPECT_THROW(parse("P 1 frob k1\n"), std::runtime_error);
  EXPECT_THROW(parse("A 9\n"), std::runtime_error);  // acknowledges nothing logged
  EXPECT_THROW(parse("R k1 7\n"), std::runtime_error);
}

}  // namespace
}  // namespace regionkv::testing
