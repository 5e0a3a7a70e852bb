#include "tests/support/takeover_during_locked_write.h"

#include <atomic>
#include <thread>

#include "tests/support/temp_dir.h"

namespace regionkv::testing {

using std::chrono::milliseconds;

TakeoverObserved takeover_during_locked_write(
    RegionConfig config, const std::function<void(Region&, GateClock&)>& end_lease) {
  TempDir dir;
  auto clock = std::make_shared<GateClock>(TimePoint(std::chrono::hours(24 * 365 * 50)));
  StoreOptions options;
  options.time_source = clock;
  options.sweep_interval = milliseconds(0);
  auto store = Store::open(dir.sub("store"), options);
  Region& region = store->region("atomicity");
  config.enable_key_mangler = false;
  config.max_lock_attempts = 1'000'000;
  region.configure(config);

  Lock holder = region.get_lock("k");
  TakeoverObserved observed;
  std::thread writer([&] {
    clock->arm_this_thread();
    observed.stale_write = region.lock_backend().set_locked("k", "old", std::nullopt, "_lockk",
                                                            holder.fencing_token());
  });
  const bool entered = clock->wait_until_entered(std::chrono::seconds(30));
  if (end_lease)
    end_lease(region, *clock);
  else
    clock->advance(config.lock_timeout + std::chrono::seconds(1));

  std::atomic<bool> granted{false};
  std::thread taker([&] {
    Lock lock = region.get_lock("k");
    granted = true;
    region.set("k", "new", lock);
  });
  // Until the gate opens the write is inside its step, between its check and
  // its write. A takeover that does not wait for it has long been granted
  // 200 ms later; one that waits is still blocked.
  std::this_thread::sleep_for(milliseconds(200));
  observed.granted_during_write = granted;
  clock->open();
  writer.join();
  taker.join();
  observed.final_value = entered ? region.get("k") : "(the write never reached the store)";
  return observed;
}

}  // namespace regionkv::testing
