// The scenario that shows whether a store's locked write checks the lock and
// writes in one atomic step: the holder of "k" starts a locked write of "old"
// that stalls inside the store's step (the store reads its clock there, and a
// GateClock holds that read), the lease ends, and another thread takes the
// lock over and writes "new".
#ifndef REGIONKV_TESTS_SUPPORT_TAKEOVER_DURING_LOCKED_WRITE_H_
#define REGIONKV_TESTS_SUPPORT_TAKEOVER_DURING_LOCKED_WRITE_H_

#include <functional>
#include <string>

#include "regionkv/regionkv.h"
#include "tests/support/gate_clock.h"

namespace regionkv::testing {

struct TakeoverObserved {
  // The takeover was granted while the stale write was inside its step.
  bool granted_during_write = false;
  LockedWriteResult stale_write = LockedWriteResult::kApplied;
  std::string final_value;
};

// Runs the scenario on a fresh store in a temporary directory, in a region
// configured by `config` (keys stored raw). `end_lease` makes the holder's
// lease run out; default: the store's clock moves past it.
TakeoverObserved takeover_during_locked_write(
    RegionConfig config, const std::function<void(Region&, GateClock&)>& end_lease = {});

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_TAKEOVER_DURING_LOCKED_WRITE_H_
