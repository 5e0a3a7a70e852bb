// A second process for redis_process_lock_test.cc: takes a lock on a region
// kept on Redis, reports it, and on command makes a locked write that stalls
// at its first clock read -- paused there by the test -- and then goes on
// with the time it read before the stall, as a process stopped between
// reading its clock and sending its write would.
//
//   redis_lock_contender URL REGION KEY LOCK_TIMEOUT_MS STORE_DIR
//
// Prints "locked <token>" once it holds the lock. Then reads a line ("write")
// and starts region.set(KEY, "from-contender", lock): its first clock read
// prints "at-gate" and waits for a line ("go"). Prints "written" or
// "refused LockTimeout: <message>", releases the lock, prints "released" and
// exits 0.
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>

#include "regionkv/regionkv.h"

namespace {

// The system clock until gate(): then the next now() stalls until a line
// arrives on stdin, and every read from gate() on returns the time read at
// the gate.
class GatedClock : public regionkv::TimeSource {
 public:
  regionkv::TimePoint now() const override {
    std::lock_guard lock(mutex_);
    if (frozen_) return *frozen_;
    const regionkv::TimePoint read = std::chrono::system_clock::now();
    if (!armed_) return read;
    frozen_ = read;
    std::cout << "at-gate" << std::endl;
    std::string go;
    std::getline(std::cin, go);
    return read;
  }
  void gate() {
    std::lock_guard lock(mutex_);
    armed_ = true;
  }

 private:
  mutable std::mutex mutex_;
  bool armed_ = false;                                   // guarded by mutex_
  mutable std::optional<regionkv::TimePoint> frozen_;  // guarded by mutex_
};

}  // namespace

int main(int argc, char** argv) {
  using namespace regionkv;
  if (argc != 6) {
    std::cerr << "usage: redis_lock_contender URL REGION KEY LOCK_TIMEOUT_MS STORE_DIR\n";
    return 2;
  }
  const std::string url = argv[1], region_name = argv[2], key = argv[3];
  try {
    auto clock = std::make_shared<GatedClock>();
    StoreOptions options;
    options.time_source = clock;
    auto store = Store::open(argv[5], options);
    RegionConfig config;
    config.backing_store = "redis";
    config.backend_args["url"] = url;
    config.lock_timeout = std::chrono::milliseconds(std::stol(argv[4]));
    Region& region = store->region(region_name);
    region.configure(config);

    Lock lock = region.get_lock(key);
    std::cout << "locked " << lock.fencing_token() << std::endl;

    std::string command;
    std::getline(std::cin, command);
    clock->gate();
    try {
      region.set(key, "from-contender", lock);
      std::cout << "written" << std::endl;
    } catch (const LockTimeout& error) {
      std::cout << "refused LockTimeout: " << error.what() << std::endl;
    }
    lock.release();
    std::cout << "released" << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "redis_lock_contender: " << error.what() << "\n";
    return 1;
  }
}
