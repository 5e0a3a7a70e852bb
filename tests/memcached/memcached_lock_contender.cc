// A second process for memcached_process_lock_test: takes a lock, reports it,
// and on command tries to write under it.
//
//   memcached_lock_contender URL REGION KEY LOCK_TIMEOUT_MS STORE_DIR
//
// Prints "locked <token>" once it holds the lock, then reads a line from
// stdin and tries a locked write, printing "written" or "refused <reason>",
// and the backend's own verdict on a write under its token ("backend
// applied" or "backend lock-lost"). Then it releases the lock and exits 0.
#include <chrono>
#include <iostream>
#include <string>

#include "lock/lease_record.h"
#include "regionkv/regionkv.h"

int main(int argc, char** argv) {
  using namespace regionkv;
  if (argc != 6) {
    std::cerr << "usage: memcached_lock_contender URL REGION KEY LOCK_TIMEOUT_MS STORE_DIR\n";
    return 2;
  }
  const std::string url = argv[1], region_name = argv[2], key = argv[3];
  try {
    auto store = Store::open(argv[5]);
    RegionConfig config;
    config.backing_store = "memcached";
    config.backend_args["url"] = url;
    config.lock_timeout = std::chrono::milliseconds(std::stol(argv[4]));
    Region& region = store->region(region_name);
    region.configure(config);

    Lock lock = region.get_lock(key);
    std::cout << "locked " << lock.fencing_token() << std::endl;

    std::string command;
    std::getline(std::cin, command);
    try {
      region.set(key, "from-contender", lock);
      std::cout << "written" << std::endl;
    } catch (const LockTimeout& error) {
      std::cout << "refused LockTimeout: " << error.what() << std::endl;
    }
    const std::string stored_key = xxh3_mangle_key(key);
    const LockedWriteResult verdict =
        region.lock_backend().set_locked(stored_key, "from-contender", std::nullopt,
                                    lock::lock_record_key(stored_key), lock.fencing_token());
    std::cout << (verdict == LockedWriteResult::kApplied ? "backend applied" : "backend lock-lost")
              << std::endl;
    lock.release();
    std::cout << "released" << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "memcached_lock_contender: " << error.what() << "\n";
    return 1;
  }
}
