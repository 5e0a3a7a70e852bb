// Times in Python are seconds (float), as in the time module.
#ifndef REGIONKV_PYTHON_PYTHON_TIME_H_
#define REGIONKV_PYTHON_PYTHON_TIME_H_

#include <regionkv/regionkv.h>

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace regionkv::python {

// Seconds to whole milliseconds, rounded to nearest. Throws
// std::invalid_argument (ValueError) for NaN, infinities and values too
// large to count in milliseconds; the range a setting allows is checked by
// whoever receives it.
inline std::chrono::milliseconds seconds_to_milliseconds(double seconds, const char* name) {
  constexpr double kLargest = 1e15;  // about 31,000 years of milliseconds
  const double milliseconds = seconds * 1000.0;
  if (!std::isfinite(milliseconds) || std::fabs(milliseconds) > kLargest)
    throw std::invalid_argument(std::string(name) + " must be a finite number of seconds, got " +
                                std::to_string(seconds));
  return std::chrono::milliseconds(std::llround(milliseconds));
}

// A time point as seconds since the Unix epoch (time.time()'s scale).
inline double to_unix_seconds(TimePoint time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_PYTHON_TIME_H_
