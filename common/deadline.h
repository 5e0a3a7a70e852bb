// A call's time budget: when it must be over, on the steady clock. The
// remote stores give each request to their servers one (io_timeout_ms), so
// that a server cannot hold a call however slowly its answer arrives.
#ifndef REGIONKV_COMMON_DEADLINE_H_
#define REGIONKV_COMMON_DEADLINE_H_

#include <chrono>

namespace regionkv::common {

// Not thread-safe: one call, one thread.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(std::chrono::milliseconds budget)
      : budget_(budget), at_(Clock::now() + budget) {}

  // What the call was given, for messages.
  std::chrono::milliseconds budget() const { return budget_; }
  Clock::time_point at() const { return at_; }
  // The time left, rounded up to a whole millisecond (a wait for it ends
  // at or after the deadline, never just before); zero once it has passed.
  std::chrono::milliseconds remaining() const {
    const auto left = at_ - Clock::now();
    if (left <= Clock::duration::zero()) return std::chrono::milliseconds(0);
    return std::chrono::ceil<std::chrono::milliseconds>(left);
  }
  bool passed() const { return Clock::now() >= at_; }

  // Moves the deadline later by `time`, which the call spent on something
  // bounded apart (opening a connection: connect_timeout_ms).
  void exclude(Clock::duration time) { at_ += time; }

 private:
  std::chrono::milliseconds budget_;
  Clock::time_point at_;
};

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_DEADLINE_H_
