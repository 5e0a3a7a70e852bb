// Every read hides a value from the moment it expires, before any sweep:
// a value written at t with expire_time e is visible at t + e - 1 ms and gone
// at t + e, on every built-in store that keeps records itself.
#include <gtest/gtest.h>

#include "tests/expiry/expiry_test_util.h"

namespace regionkv::testing {
namespace {

class ReadExpiryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    region_.configure(expiring(GetParam()));
    region_.set("k", "v");
  }
  void advance_to_one_millisecond_before_expiry() {
    store_.clock().advance(kExpireTime - milliseconds(1));
  }
  void advance_to_expiry() { store_.clock().advance(kExpireTime); }
  std::function<std::string()> counting_creator() {
    return [this] {
      ++created_;
      return std::string("fresh");
    };
  }

  ManualStore store_;  // no background sweeper: reads alone must hide values
  Region& region_ = store_.store().region("tokens");
  int created_ = 0;
};

TEST_P(ReadExpiryTest, GetSeesValueUntilOneMillisecondBeforeExpiry) {
  advance_to_one_millisecond_before_expiry();
  EXPECT_EQ(region_.get("k"), "v");
}

TEST_P(ReadExpiryTest, GetThrowsNotFoundFromExpiryOn) {
  advance_to_expiry();
  EXPECT_THROW(region_.get("k"), NotFound);
}

TEST_P(ReadExpiryTest, FindSeesValueUntilOneMillisecondBeforeExpiry) {
  advance_to_one_millisecond_before_expiry();
  EXPECT_EQ(region_.find("k"), "v");
}

TEST_P(ReadExpiryTest, FindReturnsNothingFromExpiryOn) {
  advance_to_expiry();
  EXPECT_EQ(region_.find("k"), std::nullopt);
}

TEST_P(ReadExpiryTest, GetMultiSeesValueUntilOneMillisecondBeforeExpiry) {
  region_.set("other", "w");
  advance_to_one_millisecond_before_expiry();
  EXPECT_EQ(region_.get_multi({"k", "other"}), (std::vector<std::string>{"v", "w"}));
}

TEST_P(ReadExpiryTest, GetMultiThrowsNotFoundFromExpiryOn) {
  store_.clock().advance(milliseconds(1));
  region_.set("later", "w");  // expires one millisecond after "k"
  store_.clock().advance(kExpireTime - milliseconds(1));
  EXPECT_EQ(region_.get_multi({"later"}), std::vector<std::string>{"w"});
  EXPECT_THROW(region_.get_multi({"k", "later"}), NotFound);
}

TEST_P(ReadExpiryTest, GetOrCreateReturnsStoredValueUntilOneMillisecondBeforeExpiry) {
  advance_to_one_millisecond_before_expiry();
  EXPECT_EQ(region_.get_or_create("k", counting_creator()), "v");
  EXPECT_EQ(created_, 0);
}

TEST_P(ReadExpiryTest, GetOrCreateCreatesAgainFromExpiryOn) {
  advance_to_expiry();
  EXPECT_EQ(region_.get_or_create("k", counting_creator()), "fresh");
  EXPECT_EQ(created_, 1);
  EXPECT_EQ(region_.get("k"), "fresh");
}

TEST_P(ReadExpiryTest, RewriteStartsANewExpiry) {
  store_.clock().advance(kExpireTime - milliseconds(1));
  region_.set("k", "v2");
  store_.clock().advance(kExpireTime - milliseconds(1));
  EXPECT_EQ(region_.find("k"), "v2");
  store_.clock().advance(milliseconds(1));
  EXPECT_EQ(region_.find("k"), std::nullopt);
}

TEST_P(ReadExpiryTest, ExpiredValueIsStillStoredUntilSwept) {
  advance_to_expiry();
  ASSERT_EQ(region_.find("k"), std::nullopt);
  if (GetParam() == "rocksdb") {
    EXPECT_TRUE(holds_record(store_.store(), region_, stored_key(region_, "k")));
  }
  EXPECT_EQ(store_.store().sweep_now(), 1u) << "the expired value was not there to sweep";
}

INSTANTIATE_TEST_SUITE_P(BuiltInStores, ReadExpiryTest,
                         ::testing::Values("rocksdb", "memory"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace regionkv::testing
