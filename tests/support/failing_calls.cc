#include "tests/support/failing_calls.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace regionkv::testing {

CallOutcome outcome_of(const std::function<void()>& call) {
  CallOutcome outcome;
  const auto start = std::chrono::steady_clock::now();
  try {
    call();
  } catch (const StorageError& error) {
    outcome.error = error.what();
  }
  outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return outcome;
}

void expect_every_call_fails_within(Region& region, std::chrono::milliseconds longest,
                                    const std::string& server) {
  const std::vector<std::pair<std::string, std::function<void()>>> calls = {
      {"find", [&] { region.find("k"); }},
      {"get", [&] { region.get("k"); }},
      {"get_multi", [&] { region.get_multi({"k", "l"}); }},
      {"set", [&] { region.set("k", "v"); }},
      {"get_lock", [&] { region.get_lock("k"); }},
  };
  for (const auto& [name, call] : calls) {
    const CallOutcome outcome = outcome_of(call);
    ::testing::Test::RecordProperty(name + "_ms", static_cast<int>(outcome.took.count()));
    EXPECT_LT(outcome.took, longest) << name;
    EXPECT_NE(outcome.error.find(server), std::string::npos) << name << ": " << outcome.error;
  }
}

void expect_a_timed_out_connection_is_not_used_again(Region& region, const FakeServer& server) {
  const int before = server.connections();
  EXPECT_THROW(region.find("k"), StorageError);
  EXPECT_EQ(server.connections(), before + 1);
  EXPECT_THROW(region.find("k"), StorageError);
  EXPECT_EQ(server.connections(), before + 2);
}

}  // namespace regionkv::testing
