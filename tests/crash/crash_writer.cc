// regionkv-crash-writer STORE_DIR LOG_PATH SEED process-crash|power-loss
//
// Runs a random mix of set, erase, set_multi and lock / locked write /
// release against a store until it is killed, logging each operation before
// it is issued and after it is acknowledged (expected_state.h has the log's
// grammar). The crash harness SIGKILLs it at a random point.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "engine/record.h"
#include "regionkv/regionkv.h"
#include "tests/crash/crash_config.h"

namespace {

using regionkv::testing::crash_region_config;
using regionkv::testing::kCrashKeyCount;

class EventLog {
 public:
  explicit EventLog(const char* path)
      : fd_(::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
    if (fd_ < 0) throw std::runtime_error(std::string("cannot open log ") + path);
  }
  // One write(2) per line, and nothing done on its strength until it
  // returns. A SIGKILL can still cut the last line short, which the harness
  // reads as never written (expected_state.cc).
  void line(const std::string& text) {
    const std::string with_newline = text + "\n";
    if (::write(fd_, with_newline.data(), with_newline.size()) !=
        static_cast<ssize_t>(with_newline.size()))
      throw std::runtime_error("short write to the expected-state log");
  }

 private:
  int fd_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: regionkv-crash-writer STORE_DIR LOG_PATH SEED "
                 "process-crash|power-loss\n";
    return 2;
  }
  try {
    std::mt19937_64 random(std::strtoull(argv[3], nullptr, 10));
    regionkv::StoreOptions options;
    options.durability = std::string(argv[4]) == "power-loss"
                             ? regionkv::Durability::kPowerLoss
                             : regionkv::Durability::kProcessCrash;
    options.sweep_interval = std::chrono::milliseconds(0);
    auto store = regionkv::Store::open(argv[1], options);
    regionkv::Region& region = store->region("crash");
    region.configure(crash_region_config());
    EventLog log(argv[2]);

    auto key = [&] { return "k" + std::to_string(random() % kCrashKeyCount); };
    std::uint64_t next_id = random() % 1000000 * 1000000;  // distinct per round
    auto value_for = [&](std::uint64_t id) {
      return "v" + std::to_string(id) + "-" + std::string(random() % 300, 'x');
    };

    std::optional<regionkv::Lock> held;
    for (;;) {
      const std::uint64_t id = ++next_id;
      const int choice = static_cast<int>(random() % 100);
      if (held && choice < 30) {  // a write under the held lock
        const std::string value = value_for(id);
        log.line("P " + std::to_string(id) + " set " + held->key() + " " + value);
        region.set(held->key(), value, *held);
        log.line("A " + std::to_string(id));
      } else if (held && choice < 45) {
        const std::string released_key = held->key();
        const std::uint64_t token = held->fencing_token();
        log.line("Q " + released_key + " " + std::to_string(token));
        held->release();
        held.reset();
        log.line("R " + released_key + " " + std::to_string(token));
      } else if (!held && choice < 15) {
        const std::string k = key();
        try {
          regionkv::Lock lock = region.get_lock(k);
          const auto lease_end = regionkv::common::to_unix_ms(lock.acquired_at()) +
                                 crash_region_config().lock_timeout.count() + 1000;
          log.line("G " + k + " " + std::to_string(lock.fencing_token()) + " " +
                   std::to_string(lease_end));
          held = std::move(lock);
        } catch (const regionkv::LockUnavailable&) {
          log.line("U " + k);
        }
      } else if (choice < 60) {
        const std::string k = key(), value = value_for(id);
        log.line("P " + std::to_string(id) + " set " + k + " " + value);
        region.set(k, value);
        log.line("A " + std::to_string(id));
      } else if (choice < 75) {
        const std::string k = key();
        log.line("P " + std::to_string(id) + " erase " + k);
        try {
          region.erase(k);
        } catch (const regionkv::NotFound&) {
          // Absent already: the key is absent either way.
        }
        log.line("A " + std::to_string(id));
      } else {
        std::map<std::string, std::string> items;
        const int count = 2 + static_cast<int>(random() % 4);
        for (int i = 0; i < count; ++i) items[key()] = value_for(id);
        std::string line = "P " + std::to_string(id) + " multi";
        for (const auto& [k, v] : items) line += " " + k + " " + v;
        log.line(line);
        region.set_multi(items);
        log.line("A " + std::to_string(id));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "regionkv-crash-writer: " << e.what() << "\n";
    return 1;
  }
}
