// Time arithmetic of the stored format: times are kept as signed
// milliseconds since the Unix epoch. Inline: a lock cycle calls these
// several times, and a call each cost measurably more than the arithmetic.
#ifndef REGIONKV_COMMON_UNIX_MS_H_
#define REGIONKV_COMMON_UNIX_MS_H_

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "regionkv/time_source.h"

namespace regionkv::common {

inline std::int64_t to_unix_ms(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline TimePoint from_unix_ms(std::int64_t ms) {
  // Saturate instead of overflowing the clock's finer-grained ticks.
  constexpr std::int64_t kLimit =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max()).count();
  const std::int64_t clamped = std::clamp(ms, -kLimit, kLimit);
  return TimePoint(
      std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(clamped)));
}

// t + d, saturating at the clock's range instead of overflowing.
inline TimePoint add_saturating(TimePoint t, std::chrono::milliseconds d) {
  using Ticks = Clock::duration;
  constexpr auto kLimit = std::chrono::duration_cast<std::chrono::milliseconds>(Ticks::max());
  const Ticks step = std::chrono::duration_cast<Ticks>(std::clamp(d, -kLimit, kLimit));
  const Ticks base = t.time_since_epoch();
  if (step.count() > 0 && base > Ticks::max() - step) return TimePoint::max();
  if (step.count() < 0 && base < Ticks::min() - step) return TimePoint::min();
  return t + step;
}

// `t` with sub-millisecond precision dropped, as a stored time reads back.
inline TimePoint truncate_to_ms(TimePoint t) { return from_unix_ms(to_unix_ms(t)); }

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_UNIX_MS_H_
