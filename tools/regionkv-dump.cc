// regionkv-dump: shows what a store holds, also while its owner runs. The
// library (regionkv/inspect.h) reads and decodes; this parses arguments and
// prints. Exit status: 0 success; 2 bad usage, no store at the path or no
// such region; 1 any other failure, including damage RocksDB reports while
// reading (what could be read is printed first) and corrupt records (the
// dump is then printed without them).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "regionkv/printable.h"
#include "regionkv/regionkv.h"
#include "dump_json.h"
#include "dump_table.h"
#include "exit_status.h"

namespace {

using regionkv::tools::kFailure;
using regionkv::tools::kUsage;

int fail(int status, std::string message) {
  return regionkv::tools::fail("regionkv-dump", status, std::move(message));
}

// The dump went out, but without what damage hid or without its corrupt
// records: say so, and fail.
int report_damage(const regionkv::StoreSnapshot& snapshot) {
  std::size_t count = 0;
  std::string first;
  for (const auto& region : snapshot.regions) {
    if (first.empty() && !region.corrupt.empty())
      first = "region '" + regionkv::printable(region.name) + "', key '" +
              regionkv::printable(region.corrupt.front().key) +
              "': " + region.corrupt.front().reason;
    count += region.corrupt.size();
  }
  const std::string corrupt =
      std::to_string(count) + " corrupt record(s) left out; first: " + first;
  if (snapshot.error)
    return fail(kFailure, snapshot.error->message + (count == 0 ? "" : "; also " + corrupt));
  if (count == 0) return 0;
  return fail(kFailure, corrupt);
}

// Prints the store's on-disk figures; returns the exit status.
int dump_stats(const std::string& store_dir, const std::string& format) {
  try {
    const regionkv::StoreStats stats = regionkv::inspect_store_stats(store_dir);
    if (format == "json")
      std::cout << regionkv::to_json(stats) << "\n";
    else
      regionkv::tools::write_stats_table(stats, std::cout);
    std::cout.flush();
    return std::cout ? 0 : fail(kFailure, "cannot write the output");
  } catch (const regionkv::NotAStore& e) {
    return fail(kUsage, e.what());
  }
}

// Reads the store and prints it; returns the exit status.
int dump(const std::string& store_dir, const std::string& format,
         regionkv::InspectOptions options) {
  // Print what could be read, then the error.
  options.on_read_error = regionkv::InspectOptions::OnReadError::kReturnWhatWasRead;
  try {
    const regionkv::StoreSnapshot snapshot = regionkv::inspect_store(store_dir, options);
    if (format == "json")
      std::cout << regionkv::tools::dump_json(snapshot).dump(2) << "\n";
    else
      regionkv::tools::write_table(snapshot, options, std::cout);
    std::cout.flush();
    if (!std::cout) return fail(kFailure, "cannot write the output");
    return report_damage(snapshot);
  } catch (const regionkv::NotAStore& e) {
    return fail(kUsage, e.what());
  } catch (const regionkv::NotFound& e) {
    return fail(kUsage, e.what());
  }
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{
      "Shows what a regionkv store holds, also while another process has it "
      "open. Never writes into the store."};
  std::string store_dir;
  std::string region;
  std::string format = "table";
  std::size_t limit = 0;
  regionkv::InspectOptions options;
  app.add_option("STORE_DIR", store_dir, "The store's directory")->required();
  auto* region_option = app.add_option("--region", region, "Only this region");
  app.add_option("--format", format, "table (for people, the default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_flag("--locks", options.locks_only, "Only lock records");
  auto* limit_option = app.add_option("--limit", limit, "At most N records and N locks per region")
                           ->check(CLI::NonNegativeNumber);
  app.add_flag("--expired", options.include_expired,
               "Also show expired records (hidden by default)");
  app.add_flag("--verify", options.verify,
               "Also read every block of every table file of the store with its checksum "
               "checked; damage fails the dump");
  bool stats = false;
  app.add_flag("--stats", stats,
               "Only the store's on-disk figures: table files, log, estimated records "
               "per region")
      ->excludes(region_option)
      ->excludes(limit_option)
      ->excludes("--verify");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return fail(kUsage, std::string(e.what()) + " (see --help)");
  }
  if (stats) return dump_stats(store_dir, format);
  if (*region_option) options.region = region;
  if (*limit_option) options.limit = limit;
  return dump(store_dir, format, options);
} catch (const std::exception& e) {
  return fail(kFailure, e.what());
}
