// A parameterised GoogleTest fixture over every kind of damage of
// tests/support/damaged_store.h: a layered store, damaged before each test.
#ifndef REGIONKV_TESTS_SUPPORT_DAMAGED_STORE_FIXTURE_H_
#define REGIONKV_TESTS_SUPPORT_DAMAGED_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include "tests/support/damaged_store.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {

class DamagedStoreTest : public ::testing::TestWithParam<Damage> {
 protected:
  void SetUp() override {
    store_ = write_layered_store(dir_.sub("store"));
    apply(GetParam(), store_);
  }

  TempDir dir_;
  LayeredStore store_;
};

// Names each instance after its damage: ".../TableTruncated".
inline std::string damage_test_name(const ::testing::TestParamInfo<Damage>& info) {
  return damage_name(info.param);
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_DAMAGED_STORE_FIXTURE_H_
