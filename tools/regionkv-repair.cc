// regionkv-repair: repairs a damaged store in place with RocksDB's repair,
// after copying the whole directory aside. The library (regionkv/repair.h)
// does the work; this parses arguments and prints the report. Exit status:
// 0 repaired; 2 bad usage or no store at the path; 1 any other failure (the
// store is in use, the copy cannot be made, the repair fails).
#include <CLI/CLI.hpp>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <string>

#include "exit_status.h"
#include "regionkv/printable.h"
#include "regionkv/repair.h"

namespace {

using regionkv::tools::kFailure;
using regionkv::tools::kUsage;

int fail(int status, std::string message) {
  return regionkv::tools::fail("regionkv-repair", status, std::move(message));
}

void print(const std::string& dir, const regionkv::RepairReport& report) {
  std::cout << "copied " << dir << " aside to " << report.copy.string()
            << " (the store as it was: move it back to undo the repair)\n";
  std::cout << "repaired " << dir << " in " << std::fixed << std::setprecision(2)
            << std::chrono::duration<double>(report.took).count() << " s\n";
  if (!report.tables_set_aside.empty()) {
    std::cout << "table files RocksDB could not read, set aside in " << dir << "/lost:";
    for (const auto& table : report.tables_set_aside) std::cout << ' ' << table;
    std::cout << '\n';
  }
  if (report.logs_dropped)
    std::cout << "the write-ahead logs could not be replayed and are set aside in " << dir
              << "/lost: records only they held are lost\n";
  if (report.format_marker_written) std::cout << "the regionkv format marker was written again\n";
  std::cout << "fencing tokens continue above " << report.fencing_tokens_above << "\n";
  std::cout << "\nregion\tvalues\tlocks\tcorrupt\n";
  for (const auto& region : report.regions)
    std::cout << regionkv::printable(region.name) << '\t' << region.value_records << '\t'
              << region.lock_records << '\t' << region.corrupt_records << '\n';
  for (const auto& name : report.lost_regions)
    std::cout << regionkv::printable(name) << "\tnothing recovered\n";
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{
      "Repairs a damaged regionkv store in place with RocksDB's repair, which keeps what it "
      "can read and drops the rest, after copying the whole directory aside. Run it only on a "
      "store no process holds open."};
  std::string dir;
  app.add_option("DIR", dir, "The store's directory")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return fail(kUsage, std::string(e.what()) + " (see --help)");
  }
  regionkv::RepairOptions options;
  options.log = [](std::string_view line) { std::cerr << "regionkv-repair: " << line << '\n'; };
  const regionkv::RepairReport report = regionkv::repair_store(dir, options);
  print(dir, report);
  std::cout.flush();
  return std::cout ? 0 : fail(kFailure, "cannot write the output");
} catch (const regionkv::NotAStore& e) {
  return fail(kUsage, e.what());
} catch (const std::exception& e) {
  return fail(kFailure, e.what());
}
