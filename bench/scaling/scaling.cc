// regionkv-scaling: how a store's time, memory and disk grow with its
// regions, and stay bounded under a write-heavy expiring workload. Each
// command measures one point in a fresh process and prints one line of
// "name=value" fields; bench/scaling/run-scaling runs every point of
// docs/benchmarks.md's curves.
//
//   regionkv-scaling create DIR REGIONS      a new store of REGIONS regions,
//                                            100 records of 100 B each
//   regionkv-scaling reopen DIR              opens it again, reads one record
//                                            per region
//   regionkv-scaling soak DIR RECORDS        RECORDS sets of 100 B values with
//                                            a 1 s expiry through one region,
//                                            nine idle regions, the sweeper on;
//                                            a line every 5 s, then the peaks
//
// Times are wall-clock; rss_mib is the process's resident set (VmRSS) at the
// end, peak_rss_mib its peak (VmHWM); disk_mib and wal_mib are the store
// directory's file sizes.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "regionkv/regionkv.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A field of /proc/self/status in MiB ("VmRSS", "VmHWM").
double status_mib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string name;
  while (status >> name) {
    if (name == field + ":") {
      double kib = 0;
      status >> kib;
      return kib / 1024;
    }
    status.ignore(1 << 12, '\n');
  }
  return -1;
}

struct DiskUse {
  double total_mib = 0, wal_mib = 0;
};
DiskUse disk_use(const fs::path& dir) {
  DiskUse use;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto size = entry.file_size(ec);
    if (ec) continue;  // deleted meanwhile
    use.total_mib += size / 1048576.0;
    if (entry.path().extension() == ".log") use.wal_mib += size / 1048576.0;
  }
  return use;
}

std::string value_of(std::size_t i) {
  std::string value = std::to_string(i);
  value.resize(100, '.');
  return value;
}

void print_resources(const fs::path& dir) {
  const DiskUse disk = disk_use(dir);
  std::printf(" rss_mib=%.1f peak_rss_mib=%.1f disk_mib=%.1f wal_mib=%.1f\n", status_mib("VmRSS"),
              status_mib("VmHWM"), disk.total_mib, disk.wal_mib);
}

regionkv::StoreOptions options(std::chrono::milliseconds sweep_interval) {
  regionkv::StoreOptions options;
  options.sweep_interval = sweep_interval;
  return options;
}

int create(const fs::path& dir, int regions) {
  const auto start = Clock::now();
  auto store = regionkv::Store::open(dir, options(std::chrono::milliseconds(0)));
  for (int r = 0; r < regions; ++r) {
    regionkv::Region& region = store->region("region-" + std::to_string(r));
    region.configure({});
    std::map<std::string, std::string> items;
    for (int i = 0; i < 100; ++i) items["key-" + std::to_string(i)] = value_of(i);
    region.set_multi(items);
  }
  const double created = seconds_since(start);
  std::printf("create regions=%d seconds=%.2f", regions, created);
  print_resources(dir);
  return 0;
}

int reopen(const fs::path& dir) {
  const auto start = Clock::now();
  auto store = regionkv::Store::open(dir, options(std::chrono::milliseconds(0)));
  const double opened = seconds_since(start);
  const auto names = store->region_names();
  for (const auto& name : names) {
    regionkv::Region& region = store->region(name);
    region.configure({});
    if (region.get("key-99") != value_of(99)) throw std::runtime_error("wrong value in " + name);
  }
  std::printf("reopen regions=%zu open_seconds=%.2f read_seconds=%.2f", names.size(), opened,
              seconds_since(start) - opened);
  print_resources(dir);
  return 0;
}

int soak(const fs::path& dir, std::size_t records) {
  auto store = regionkv::Store::open(dir, options(std::chrono::milliseconds(1000)));
  for (int r = 0; r < 9; ++r) {
    regionkv::Region& idle = store->region("idle-" + std::to_string(r));
    idle.configure({});
    idle.set("written-once", value_of(r));
  }
  regionkv::Region& busy = store->region("busy");
  regionkv::RegionConfig config;
  config.expire_time = std::chrono::seconds(1);
  busy.configure(config);

  const auto start = Clock::now();
  auto next_report = start + std::chrono::seconds(5);
  double peak_disk = 0, peak_wal = 0;
  for (std::size_t i = 0; i < records; ++i) {
    busy.set("key-" + std::to_string(i), value_of(i));
    if ((i & 1023) != 0) continue;
    const DiskUse disk = disk_use(dir);
    peak_disk = std::max(peak_disk, disk.total_mib);
    peak_wal = std::max(peak_wal, disk.wal_mib);
    if (Clock::now() >= next_report) {
      next_report += std::chrono::seconds(5);
      std::printf("soak seconds=%.0f records=%zu", seconds_since(start), i);
      print_resources(dir);
      std::fflush(stdout);
    }
  }
  const double took = seconds_since(start);
  const auto stats = store->sweep_stats();
  std::printf("soak-end records=%zu seconds=%.1f sets_per_second=%.0f swept=%llu "
              "peak_disk_mib=%.1f peak_wal_mib=%.1f",
              records, took, records / took,
              static_cast<unsigned long long>(stats.records_swept), peak_disk, peak_wal);
  print_resources(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "create" && argc == 4) return create(argv[2], std::atoi(argv[3]));
    if (command == "reopen" && argc == 3) return reopen(argv[2]);
    if (command == "soak" && argc == 4) return soak(argv[2], std::strtoull(argv[3], nullptr, 10));
    std::cerr << "usage: regionkv-scaling create DIR REGIONS | reopen DIR | soak DIR RECORDS\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "regionkv-scaling: " << e.what() << "\n";
    return 1;
  }
}
