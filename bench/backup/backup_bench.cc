// regionkv-backup-bench: how long Store::backup takes, how much new disk it
// costs, and what it does to writers running meanwhile (docs/benchmarks.md,
// "Backup"). Loads N records into one region, measures the writers'
// throughput for a while without a backup, then again while a backup runs,
// once into a directory on the store's file system (hard links) and, with
// --copy-dir, once onto another (copies).
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "regionkv/regionkv.h"

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

struct DiskUse {
  std::uintmax_t linked = 0;  // bytes in files that are hard links (shared with the store)
  std::uintmax_t copied = 0;  // bytes in files of their own: the backup's new disk
};

DiskUse disk_use(const fs::path& dir) {
  DiskUse use;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    (entry.hard_link_count() > 1 ? use.linked : use.copied) += entry.file_size();
  }
  return use;
}

std::string value_of(std::uint64_t i, std::size_t bytes) {
  std::string value(bytes, 'v');
  for (std::size_t k = 0; k < bytes && k < 16; ++k)
    value[k] = static_cast<char>('a' + (i >> (4 * k)) % 16);
  return value;
}

// Writers overwriting random keys of the loaded range until stopped; `done`
// counts their acknowledged writes.
class Writers {
 public:
  Writers(regionkv::Region& region, int threads, std::uint64_t records) {
    for (int t = 0; t < threads; ++t)
      threads_.emplace_back([this, &region, t, records] {
        std::mt19937_64 random(t);
        while (!stop_) {
          const std::uint64_t i = random() % records;
          region.set("key" + std::to_string(i), value_of(i + 1, 100));
          done_.fetch_add(1, std::memory_order_relaxed);
        }
      });
  }
  ~Writers() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }
  std::uint64_t done() const { return done_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> done_{0};
  std::vector<std::thread> threads_;
};

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

void backup_while_writing(regionkv::Store& store, regionkv::Region& region, int writers,
                          std::uint64_t records, const fs::path& target, const char* label) {
  Writers running(region, writers, records);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // writers at speed
  const std::uint64_t before = running.done();
  const auto started = Steady::now();
  store.backup(target);
  const double took = seconds_since(started);
  const std::uint64_t during = running.done() - before;
  const DiskUse use = disk_use(target);
  std::cout << label << ": backup " << took << " s, writers " << during / took
            << " writes/s during it; backup holds " << (use.linked + use.copied) / 1e6
            << " MB, of which " << use.copied / 1e6 << " MB new (copied) and " << use.linked / 1e6
            << " MB hard links" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: regionkv-backup-bench RECORDS WORK_DIR [COPY_DIR] [WRITERS]\n"
                 "  WORK_DIR must not exist; COPY_DIR (on another file system, must not\n"
                 "  exist) adds a backup there; WRITERS defaults to 2\n";
    return 2;
  }
  const std::uint64_t records = std::stoull(argv[1]);
  const fs::path work = argv[2];
  const fs::path copy_dir = argc > 3 ? fs::path(argv[3]) : fs::path();
  const int writers = argc > 4 ? std::stoi(argv[4]) : 2;
  if (fs::exists(work)) {
    std::cerr << work << " exists\n";
    return 2;
  }
  regionkv::StoreOptions options;
  auto store = regionkv::Store::open(work / "store", options);
  regionkv::Region& region = store->region("bench");
  region.configure({});

  auto started = Steady::now();
  std::map<std::string, std::string> batch;
  for (std::uint64_t i = 0; i < records; ++i) {
    batch.emplace("key" + std::to_string(i), value_of(i, 100));
    if (batch.size() == 1000 || i + 1 == records) {
      region.set_multi(batch);
      batch.clear();
    }
  }
  std::cout << "loaded " << records << " records (100-byte values) in " << seconds_since(started)
            << " s" << std::endl;

  {
    Writers running(region, writers, records);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const std::uint64_t before = running.done();
    started = Steady::now();
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::cout << "without a backup: writers (" << writers << " threads) "
              << (running.done() - before) / seconds_since(started) << " writes/s" << std::endl;
  }
  backup_while_writing(*store, region, writers, records, work / "backup-linked",
                       "same file system");
  if (!copy_dir.empty())
    backup_while_writing(*store, region, writers, records, copy_dir, "other file system");
  return 0;
}
