#include "regionkv/time_source.h"

namespace regionkv {

TimePoint SystemTimeSource::now() const { return Clock::now(); }

ManualTimeSource::ManualTimeSource(TimePoint start)
    : ticks_(start.time_since_epoch().count()) {}

TimePoint ManualTimeSource::now() const {
  return TimePoint(Clock::duration(ticks_.load(std::memory_order_acquire)));
}

void ManualTimeSource::advance(std::chrono::milliseconds d) {
  ticks_.fetch_add(std::chrono::duration_cast<Clock::duration>(d).count(),
                   std::memory_order_acq_rel);
}

void ManualTimeSource::set(TimePoint t) {
  ticks_.store(t.time_since_epoch().count(), std::memory_order_release);
}

std::shared_ptr<const TimeSource> system_time_source() {
  static const auto clock = std::make_shared<const SystemTimeSource>();
  return clock;
}

}  // namespace regionkv
