// Where regionkv reads the time: expiry, lock leases and the sweeper all ask
// the store's TimeSource, so tests can move time by hand.
#ifndef REGIONKV_TIME_SOURCE_H_
#define REGIONKV_TIME_SOURCE_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace regionkv {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// When a stored record (a value, or a lock's lease) runs out; nullopt: never.
using ExpiresAt = std::optional<TimePoint>;

// The one liveness rule for every record of every store: live until the
// instant it expires, gone from then on.
inline bool is_live(const ExpiresAt& expires_at, TimePoint now) {
  return !expires_at || now < *expires_at;
}

// Thread-safe: now() may be called from any thread at any time.
class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const = 0;
};

// The wall clock (std::chrono::system_clock). The default of StoreOptions.
class SystemTimeSource : public TimeSource {
 public:
  TimePoint now() const override;
};

// For tests: time moves only when told. Thread-safe.
class ManualTimeSource : public TimeSource {
 public:
  explicit ManualTimeSource(TimePoint start = {});

  TimePoint now() const override;
  void advance(std::chrono::milliseconds d);
  void set(TimePoint t);

 private:
  std::atomic<Clock::duration::rep> ticks_;
};

// The shared system clock used when StoreOptions::time_source is null.
std::shared_ptr<const TimeSource> system_time_source();

}  // namespace regionkv

#endif  // REGIONKV_TIME_SOURCE_H_
