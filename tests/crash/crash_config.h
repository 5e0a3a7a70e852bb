// The region the crash writer and the harness both use.
#ifndef REGIONKV_TESTS_CRASH_CRASH_CONFIG_H_
#define REGIONKV_TESTS_CRASH_CRASH_CONFIG_H_

#include "regionkv/region_config.h"

namespace regionkv::testing {

inline constexpr int kCrashKeyCount = 48;

// Raw keys (readable in failures); one lock attempt, so a dead holder's live
// lease shows up as LockUnavailable at once instead of after backoff.
inline RegionConfig crash_region_config() {
  RegionConfig config;
  config.enable_key_mangler = false;
  config.max_lock_attempts = 1;
  config.lock_timeout = std::chrono::seconds(5);
  return config;
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_CRASH_CRASH_CONFIG_H_
