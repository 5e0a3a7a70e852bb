// engine::Sweeper on its own, with targets made up for the test: a pass cut
// short by its budget resumes where it stopped, and stop() interrupts a long
// pass within one step.
#include "engine/sweeper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/support/eventually.h"
#include <vector>

namespace regionkv::engine {
namespace {

using std::chrono::milliseconds;

using regionkv::testing::eventually;

// A target of `keys` records, one per step, each step using its whole
// deadline; remembers where every step started.
class SlowTarget {
 public:
  explicit SlowTarget(int keys) : keys_(keys) {}

  SweepTarget target() {
    return SweepTarget{
        "slow", "the slow target",
        [this](TimePoint, std::string_view resume_from, SteadyTime deadline) {
          return step(resume_from, deadline);
        }};
  }
  std::vector<std::string> starts() const {
    std::lock_guard lock(mutex_);
    return starts_;
  }
  std::size_t steps() const {
    std::lock_guard lock(mutex_);
    return starts_.size();
  }

 private:
  SweepProgress step(std::string_view resume_from, SteadyTime deadline) {
    int next = 0;
    {
      std::lock_guard lock(mutex_);
      starts_.emplace_back(resume_from);
      if (!resume_from.empty()) next = std::stoi(std::string(resume_from));
    }
    std::this_thread::sleep_until(deadline);  // stands for a step's work
    SweepProgress progress{1, std::nullopt};
    if (next + 1 < keys_) progress.resume_from = std::to_string(next + 1);
    return progress;
  }

  const int keys_;
  mutable std::mutex mutex_;
  std::vector<std::string> starts_;  // guarded by mutex_
};

Sweeper::Options options_for(milliseconds interval, SlowTarget& target) {
  return Sweeper::Options{interval, system_time_source(),
                          [&target] { return std::vector<SweepTarget>{target.target()}; },
                          nullptr};
}

TEST(SweeperTest, PassCutShortByItsBudgetResumesWhereItStopped) {
  // Budget: 10% of 50 ms, so each pass makes a single 5 ms step.
  SlowTarget target(4);
  Sweeper sweeper(options_for(milliseconds(50), target));
  sweeper.start();
  ASSERT_TRUE(eventually([&] { return target.steps() >= 6; }));
  sweeper.stop();

  const std::vector<std::string> starts = target.starts();
  // Four steps cover the target; then the next pass starts over.
  EXPECT_EQ(std::vector<std::string>(starts.begin(), starts.begin() + 6),
            (std::vector<std::string>{"", "1", "2", "3", "", "1"}));
  EXPECT_GE(sweeper.stats().passes_cut_short, 4u);
}

TEST(SweeperTest, StopInterruptsALongPassWithinAStep) {
  // Passes may run for 10% of an hour; this target has work for ten hours.
  SlowTarget target(10 * 3600 * 1000 / 5);
  Sweeper sweeper(options_for(std::chrono::hours(1), target));
  sweeper.start();
  ASSERT_TRUE(eventually([&] { return target.steps() >= 2; }));

  const auto started = std::chrono::steady_clock::now();
  sweeper.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(1000));
  EXPECT_EQ(sweeper.stats().passes, 1u);
  EXPECT_EQ(sweeper.stats().passes_cut_short, 1u);
}

TEST(SweeperTest, StopWakesAnIdleSweeperAtOnce) {
  SlowTarget target(1);
  Sweeper sweeper(options_for(std::chrono::hours(1), target));
  sweeper.start();
  ASSERT_TRUE(eventually([&] { return sweeper.stats().passes == 1; }));

  const auto started = std::chrono::steady_clock::now();
  sweeper.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(1000));
}

TEST(SweeperTest, FullPassIgnoresTheBudgetAndCountsRemovals) {
  SlowTarget target(3);
  Sweeper sweeper(options_for(milliseconds(0), target));
  EXPECT_EQ(sweeper.run_full_pass(), 3u);
  EXPECT_EQ(target.starts(), (std::vector<std::string>{"", "1", "2"}));
  EXPECT_EQ(sweeper.stats().records_swept, 3u);
  EXPECT_EQ(sweeper.stats().passes_cut_short, 0u);
}

}  // namespace
}  // namespace regionkv::engine
