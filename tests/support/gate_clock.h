// A manual clock that can hold one thread inside a clock read: the next now()
// of the armed thread reads the time, then waits until open() before it
// returns that time — as a call that read the clock and then stalled would.
// Stores read the clock inside their atomic steps, so a test can hold one
// such step open while another thread acts.
#ifndef REGIONKV_TESTS_SUPPORT_GATE_CLOCK_H_
#define REGIONKV_TESTS_SUPPORT_GATE_CLOCK_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "regionkv/time_source.h"

namespace regionkv::testing {

// Thread-safe.
class GateClock : public TimeSource {
 public:
  explicit GateClock(TimePoint start) : manual_(start) {}

  TimePoint now() const override {
    const TimePoint read = manual_.now();
    std::unique_lock guard(mutex_);
    if (armed_ && *armed_ == std::this_thread::get_id()) {
      armed_.reset();
      entered_ = true;
      changed_.notify_all();
      changed_.wait(guard, [&] { return opened_; });
    }
    return read;
  }

  // The calling thread's next now() will wait at the gate.
  void arm_this_thread() {
    std::lock_guard guard(mutex_);
    armed_ = std::this_thread::get_id();
  }
  // Whether the armed thread reached the gate within `timeout`.
  bool wait_until_entered(std::chrono::seconds timeout) {
    std::unique_lock guard(mutex_);
    return changed_.wait_for(guard, timeout, [&] { return entered_; });
  }
  void open() {
    std::lock_guard guard(mutex_);
    opened_ = true;
    changed_.notify_all();
  }
  void advance(std::chrono::milliseconds d) { manual_.advance(d); }

 private:
  ManualTimeSource manual_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable std::optional<std::thread::id> armed_;  // guarded by mutex_
  mutable bool entered_ = false;                  // guarded by mutex_
  bool opened_ = false;                           // guarded by mutex_
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_GATE_CLOCK_H_
