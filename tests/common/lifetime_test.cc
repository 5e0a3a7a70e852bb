// common::Lifetime: a pointer's holder learns that its object is gone.
#include "common/lifetime.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace regionkv::common {
namespace {

TEST(LifetimeTest, AliveWhileTheObjectExists) {
  auto lifetime = std::make_unique<Lifetime>();
  EXPECT_TRUE(Lifetime::alive(lifetime->cell(), lifetime->generation()));
}

TEST(LifetimeTest, GoneOnceTheObjectIsDestroyed) {
  auto lifetime = std::make_unique<Lifetime>();
  const Lifetime::Cell* cell = lifetime->cell();
  const std::uint64_t generation = lifetime->generation();
  lifetime.reset();
  EXPECT_FALSE(Lifetime::alive(cell, generation));
}

// A cell is reused by a later object; a holder of the old one's generation
// still sees its own object gone.
TEST(LifetimeTest, AReusedCellDoesNotRevive) {
  std::vector<std::pair<const Lifetime::Cell*, std::uint64_t>> gone;
  for (int i = 0; i < 100; ++i) {
    Lifetime lifetime;
    gone.emplace_back(lifetime.cell(), lifetime.generation());
  }
  std::vector<std::unique_ptr<Lifetime>> living;
  for (int i = 0; i < 100; ++i) living.push_back(std::make_unique<Lifetime>());
  for (const auto& [cell, generation] : gone) EXPECT_FALSE(Lifetime::alive(cell, generation));
  for (const auto& lifetime : living)
    EXPECT_TRUE(Lifetime::alive(lifetime->cell(), lifetime->generation()));
}

TEST(LifetimeTest, NullCellIsNeverAlive) { EXPECT_FALSE(Lifetime::alive(nullptr, 0)); }

}  // namespace
}  // namespace regionkv::common
