// regionkv-dump: shows what a store holds, also while its owner runs. The
// library (regionkv/inspect.h) reads and decodes; this parses arguments and
// prints. Exit status: 0 success; 2 bad usage, no store at the path or no
// such region; 1 any other failure, including damage RocksDB reports while
// reading (what could be read is printed first), corrupt records (the dump
// is then printed without them) and a key looked up (--key, --stored-key)
// that holds no live value.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "dump_json.h"
#include "dump_jsonl.h"
#include "dump_table.h"
#include "exit_status.h"
#include "regionkv/printable.h"
#include "regionkv/regionkv.h"

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

// A key looked up that holds no value to show: why, for stderr.
std::string not_found(const regionkv::RegionSnapshot& region, const std::string& asked) {
  std::string message = "region '" + regionkv::printable(region.name) + "': no value at " + asked;
  if (region.expired_record_count > 0) message += " (an expired one is there; --expired shows it)";
  return message;
}

// Reads the store and prints it; returns the exit status. `asked`: how the
// looked-up key was given, when options.stored_key is set.
int dump(const std::string& store_dir, const std::string& format, regionkv::InspectOptions options,
         const std::string& asked) {
  // Print what could be read, then the error.
  options.on_read_error = regionkv::InspectOptions::OnReadError::kReturnWhatWasRead;
  std::optional<regionkv::TimePoint> now;
  if (format == "jsonl") {
    // Streamed: a record is printed as it is read, so a region of any size
    // goes out in constant memory.
    now = options.now = regionkv::system_time_source()->now();
    options.on_record = [&](const std::string& region, const regionkv::InspectedRecord& record) {
      std::cout << regionkv::tools::jsonl_record(region, record, *now).dump() << '\n';
    };
  }
  try {
    const regionkv::StoreSnapshot snapshot = regionkv::inspect_store(store_dir, options);
    const bool lookup = options.stored_key.has_value();
    // Counts are never limited, and a lookup sets no limit.
    const auto listed = [&](const regionkv::RegionSnapshot& region) {
      return region.live_record_count + (options.include_expired ? region.expired_record_count : 0);
    };
    const bool found = lookup && !snapshot.regions.empty() && listed(snapshot.regions.front()) > 0;
    if (format == "json" && (!lookup || found))
      std::cout << regionkv::tools::dump_json(snapshot).dump(2) << "\n";
    else if (format == "table" && lookup && found)
      regionkv::tools::write_lookup(snapshot.regions.front(), snapshot.now, std::cout);
    else if (format == "table" && !lookup)
      regionkv::tools::write_table(snapshot, options, std::cout);
    std::cout.flush();
    if (!std::cout) return fail(kFailure, "cannot write the output");
    if (const int status = report_damage(snapshot); status != 0) return status;
    if (lookup && !found && !snapshot.regions.empty())
      return fail(kFailure, not_found(snapshot.regions.front(), asked));
    return 0;
  } catch (const std::invalid_argument& e) {
    return fail(kUsage, e.what());
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
  app.add_option("--format", format,
                 "table (for people, the default), json (one document), or jsonl (one value "
                 "record per line, what regionkv-load reads)")
      ->check(CLI::IsMember({"table", "json", "jsonl"}));
  std::string key;
  std::string stored_key;
  auto* key_option = app.add_option("--key", key,
                                    "Only the value at this key, as the application gives it "
                                    "(the default key mangling applied: XXH3-128); needs --region");
  auto* stored_key_option =
      app.add_option("--stored-key", stored_key,
                     "Only the value at this stored key, as the dump shows keys (for a region "
                     "with mangling disabled, or another mangler); needs --region")
          ->excludes(key_option);
  key_option->needs(region_option);
  stored_key_option->needs(region_option);
  auto* locks_option = app.add_flag("--locks", options.locks_only, "Only lock records")
                           ->excludes(key_option)
                           ->excludes(stored_key_option);
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
      ->excludes("--verify")
      ->excludes(key_option)
      ->excludes(stored_key_option);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return fail(kUsage, std::string(e.what()) + " (see --help)");
  }
  if (format == "jsonl" && (stats || *locks_option))
    return fail(kUsage, std::string("--format jsonl holds value records only: not with ") +
                            (stats ? "--stats" : "--locks") + " (see --help)");
  if (stats) return dump_stats(store_dir, format);
  if (*region_option) options.region = region;
  if (*limit_option) options.limit = limit;
  std::string asked;
  if (*key_option || *stored_key_option) options.limit.reset();
  if (*key_option) {
    options.stored_key = regionkv::xxh3_mangle_key(key);
    asked = "key '" + regionkv::printable(key) + "' (stored key " + *options.stored_key + ")";
  } else if (*stored_key_option) {
    options.stored_key = stored_key;
    asked = "stored key '" + regionkv::printable(stored_key) + "'";
  }
  return dump(store_dir, format, options, asked);
} catch (const std::exception& e) {
  return fail(kFailure, e.what());
}
