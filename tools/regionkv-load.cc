// regionkv-load: writes the records of regionkv-dump --format jsonl into a
// region of any backing store (docs/moving-regions.md). The work is in
// load_record.h (reading a line) and region_loader.h (writing the records);
// this parses arguments, opens the target, reads lines and reports. Exit
// status: 0 success; 2 bad usage, an input that cannot be opened, a --store
// directory that is not a regionkv store, a target the region cannot be
// configured with; 1 any other failure: a bad record (its line number on
// stderr; the records before it were written), the store in use by another
// process, a server that fails.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "exit_status.h"
#include "load_record.h"
#include "region_loader.h"
#include "regionkv/printable.h"
#include "regionkv/regionkv.h"

namespace {

namespace fs = std::filesystem;
using regionkv::tools::kFailure;
using regionkv::tools::kUsage;
using SteadyClock = std::chrono::steady_clock;

int fail(int status, std::string message) {
  return regionkv::tools::fail("regionkv-load", status, std::move(message));
}

struct Target {
  std::string region;
  std::optional<std::string> store_dir;
  std::optional<std::string> redis_url;
  std::optional<std::string> memcached_servers;
  std::map<std::string, std::string> backend_args;

  std::string describe() const {
    if (store_dir) return "store " + *store_dir;
    if (redis_url) return "redis " + regionkv::printable(*redis_url);
    return "memcached " + regionkv::printable(*memcached_servers);
  }
};

// The store and the region the records go into.
struct Opened {
  std::unique_ptr<regionkv::Store> store;
  regionkv::Region* region = nullptr;
};

// The no-expiry keys the store persisted for the region, so that configuring
// it here does not replace them with none: the owner's sweeper spares them
// until the owner configures the region again. Read before the store is
// opened (by a secondary instance, as the dump reads).
std::optional<std::set<std::string>> persisted_no_expiry_keys(const Target& target) {
  const fs::path dir = *target.store_dir;
  std::error_code error;
  if (!fs::is_directory(dir, error) || fs::is_empty(dir, error)) return std::nullopt;
  return regionkv::inspect_no_expiry_keys(dir, target.region);
}

Opened open_target(const Target& target) {
  regionkv::StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);  // it only writes
  regionkv::RegionConfig config;
  // Records carry stored keys; the loader writes them through the backend,
  // so nothing mangles them, and each carries its own expiry.
  config.enable_key_mangler = false;
  config.backend_args = target.backend_args;
  Opened opened;
  if (target.store_dir) {
    if (auto keys = persisted_no_expiry_keys(target)) config.no_expiry_keys = std::move(*keys);
    opened.store = regionkv::Store::open(*target.store_dir, options);
  } else {
    opened.store = regionkv::Store::open_remote(options);
    config.backing_store = target.redis_url ? "redis" : "memcached";
    config.backend_args["url"] = target.redis_url ? *target.redis_url : *target.memcached_servers;
  }
  opened.region = &opened.store->region(target.region);
  opened.region->configure(std::move(config));
  return opened;
}

// "12345 records written, 4567 records/s" on a terminal, rewritten in place
// at most twice a second; nothing when stderr is not a terminal.
class Progress {
 public:
  Progress() : on_terminal_(::isatty(STDERR_FILENO) == 1), start_(SteadyClock::now()) {}

  void update(std::uint64_t written) {
    if (!on_terminal_) return;
    const auto now = SteadyClock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    std::cerr << "\rregionkv-load: " << written << " records written, "
              << static_cast<std::uint64_t>(rate(written, now)) << " records/s   " << std::flush;
    shown_ = true;
  }
  // Ends the progress line, so that what follows starts a line of its own.
  void finish() {
    if (shown_) std::cerr << "\n";
    shown_ = false;
  }
  double seconds() const {
    return std::chrono::duration<double>(SteadyClock::now() - start_).count();
  }
  double rate(std::uint64_t records, SteadyClock::time_point now) const {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    return elapsed > 0 ? static_cast<double>(records) / elapsed : 0.0;
  }

 private:
  const bool on_terminal_;
  const SteadyClock::time_point start_;
  SteadyClock::time_point last_{};
  bool shown_ = false;
};

std::string written_before(std::uint64_t written) {
  return "; the " + std::to_string(written) + " record(s) before it were written";
}

// Reads `input` line by line into `loader`; returns the exit status.
int load(std::istream& input, regionkv::tools::RegionLoader* loader, const Target& target) {
  Progress progress;
  std::string line;
  std::size_t number = 0;
  std::uint64_t checked = 0;
  const auto written = [&] { return loader ? loader->written() : 0; };
  try {
    while (std::getline(input, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      regionkv::tools::LoadRecord record;
      try {
        record = regionkv::tools::parse_load_record(line);
      } catch (const regionkv::tools::BadRecord& e) {
        throw regionkv::tools::BadLine(number, e.what());
      }
      ++checked;
      if (loader) {
        loader->add(std::move(record), number);
        progress.update(loader->written());
      }
    }
    if (input.bad())
      throw std::runtime_error("cannot read the input after line " + std::to_string(number));
    if (loader) loader->flush();
  } catch (const regionkv::tools::BadLine& e) {
    // Every record before the bad one is written: the queued ones too.
    std::string reason = e.what();
    if (loader) {
      try {
        loader->flush();
      } catch (const regionkv::tools::BadLine& earlier) {
        reason = earlier.what();  // the first bad record is an earlier one
      }
    }
    progress.finish();
    return fail(kFailure, reason + (loader ? written_before(written())
                                           : std::string("; nothing was written (--check)")));
  } catch (const std::exception& e) {
    progress.finish();
    const auto pending = loader ? loader->first_queued_line() : std::nullopt;
    return fail(kFailure, std::string(e.what()) + "; " + std::to_string(written()) +
                              " record(s) were written" +
                              (pending ? ", those from line " + std::to_string(*pending) +
                                             " on may be written in part"
                                       : std::string()));
  }
  progress.finish();
  const double seconds = progress.seconds();
  if (!loader) {
    std::cout << checked << " records checked, none written (--check)\n";
    return 0;
  }
  std::cout << "loaded " << loader->written() << " records into region '"
            << regionkv::printable(target.region) << "' of " << target.describe() << " in "
            << static_cast<std::uint64_t>(seconds * 1000) << " ms ("
            << static_cast<std::uint64_t>(seconds > 0 ? loader->written() / seconds : 0)
            << " records/s); " << loader->expired() << " left out, their time having run out\n";
  std::cout.flush();
  return std::cout ? 0 : fail(kFailure, "cannot write the output");
}

}  // namespace

int main(int argc, char** argv) try {
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "Writes the records of regionkv-dump --format jsonl into a region of any backing "
      "store, each with the time it has left."};
  Target target;
  std::string input = "-";
  std::size_t batch_size = 1000;
  std::vector<std::string> backend_args;
  bool check = false;
  app.add_option("--region", target.region, "The region to write into")->required();
  auto* targets = app.add_option_group("target", "Where the region lives (exactly one)");
  targets->add_option("--store", target.store_dir,
                      "A regionkv store directory (RocksDB), created if missing; refused "
                      "while another process holds it");
  targets->add_option("--redis", target.redis_url,
                      "A Redis server: redis://[user:password@]host:port[/db]");
  targets->add_option("--memcached", target.memcached_servers,
                      "memcached servers: host:port[,host:port...]");
  targets->require_option(1);
  app.add_option("--backend-arg", backend_args,
                 "KEY=VALUE for the region's backend_args (e.g. pool_size=8, io_timeout_ms=2000); "
                 "repeatable")
      ->allow_extra_args(false);  // one KEY=VALUE each time, so FILE is not taken for one
  app.add_option("--batch", batch_size, "Records written per batch")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  app.add_flag("--check", check,
               "Only read and check every record; write nothing (no target "
               "is opened, its size limits are not checked)");
  app.add_option("FILE", input, "jsonl records; - or none: standard input");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return fail(kUsage, std::string(e.what()) + " (see --help)");
  }
  for (const auto& arg : backend_args) {
    const auto equals = arg.find('=');
    if (equals == std::string::npos || equals == 0)
      return fail(kUsage, "--backend-arg '" + regionkv::printable(arg) + "' is not KEY=VALUE");
    target.backend_args[arg.substr(0, equals)] = arg.substr(equals + 1);
  }

  std::ifstream file;
  if (input != "-") {
    file.open(input, std::ios::binary);
    if (!file) return fail(kUsage, "cannot open " + input + ": " + std::strerror(errno));
  }
  std::istream& in = input == "-" ? std::cin : file;
  if (check) return load(in, nullptr, target);

  Opened opened;
  try {
    opened = open_target(target);
  } catch (const regionkv::NotAStore& e) {
    return fail(kUsage, e.what());
  } catch (const std::invalid_argument& e) {
    return fail(kUsage, e.what());
  }
  regionkv::tools::RegionLoader loader(opened.region->backend(), batch_size);
  return load(in, &loader, target);
} catch (const std::exception& e) {
  return fail(kFailure, e.what());
}
