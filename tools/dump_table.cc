#include "dump_table.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

#include "dump_json.h"
#include "regionkv/printable.h"

namespace regionkv::tools {
namespace {

constexpr std::size_t kKeyWidth = 64;      // bytes of a key shown
constexpr std::size_t kPreviewBytes = 60;  // bytes of a value shown

// Columns padded to their widest cell; the last column is not padded, so a
// long value preview does not push the others.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  void write(std::ostream& out, std::string_view indent) const {
    std::vector<std::size_t> widths(rows_.front().size(), 0);
    for (const auto& row : rows_)
      for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    for (const auto& row : rows_) {
      out << indent;
      for (std::size_t i = 0; i + 1 < row.size(); ++i)
        out << row[i] << std::string(widths[i] - row[i].size() + 2, ' ');
      out << row.back() << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// a - b in ms. Stored times are whole ms within the clock's range, so the
// difference of two cannot overflow.
std::chrono::milliseconds between(TimePoint a, TimePoint b) {
  return std::chrono::milliseconds(unix_ms(a) - unix_ms(b));
}

std::string expires_in(const InspectedRecord& record, TimePoint now) {
  if (record.no_expiry) return "never (no-expiry key)";
  if (!record.expires_at) return "never";
  if (record.expired)
    return "expired " + format_duration(between(now, *record.expires_at)) + " ago";
  return format_duration(between(*record.expires_at, now));
}

std::string lease_left(const InspectedLock& lock, TimePoint now) {
  if (!lock.lease_ends) return "never runs out";
  if (lock.lease_expired) return "0";
  return format_duration(between(*lock.lease_ends, now));
}

std::string plural(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

void write_summary(const StoreSnapshot& snapshot, std::ostream& out) {
  if (snapshot.regions.empty()) {
    out << "the store holds no regions\n";
    return;
  }
  Table table({"region", "records", "expired", "locks", "bytes"});
  for (const auto& region : snapshot.regions)
    table.add({printable(region.name), std::to_string(region.live_record_count),
               std::to_string(region.expired_record_count), std::to_string(region.lock_count),
               std::to_string(region.stored_bytes)});
  table.write(out, "");
}

void write_records(const RegionSnapshot& region, const InspectOptions& options, TimePoint now,
                   std::ostream& out) {
  const std::size_t total =
      region.live_record_count + (options.include_expired ? region.expired_record_count : 0);
  out << "\nregion '" << printable(region.name) << "': " << plural(total, "record");
  if (region.records.size() < total) out << ", first " << region.records.size() << " shown";
  if (!options.include_expired && region.expired_record_count > 0)
    out << " (" << region.expired_record_count << " expired hidden; --expired shows them)";
  out << "\n";
  if (region.records.empty()) return;
  Table table({"key", "expires in", "value"});
  for (const auto& record : region.records)
    table.add({printable(record.key, kKeyWidth), expires_in(record, now),
               preview(record.value, kPreviewBytes)});
  table.write(out, "  ");
}

void write_locks(const RegionSnapshot& region, TimePoint now, std::ostream& out) {
  out << "\nregion '" << printable(region.name)
      << "': " << plural(region.lock_count, "lock");
  if (region.locks.size() < region.lock_count) out << ", first " << region.locks.size() << " shown";
  out << "\n";
  if (region.locks.empty()) return;
  Table table({"key", "fencing token", "age", "lease left", "lease run out"});
  for (const auto& lock : region.locks)
    table.add({printable(lock.key, kKeyWidth), std::to_string(lock.fencing_token),
               format_duration(between(now, lock.acquired_at)), lease_left(lock, now),
               lock.lease_expired ? "yes" : "no"});
  table.write(out, "  ");
}

void write_corrupt(const RegionSnapshot& region, std::ostream& out) {
  out << "\nregion '" << printable(region.name)
      << "': " << plural(region.corrupt.size(), "corrupt record") << "\n";
  Table table({"key", "problem"});
  for (const auto& corrupt : region.corrupt)
    table.add({printable(corrupt.key, kKeyWidth), corrupt.reason});
  table.write(out, "  ");
}

}  // namespace

void write_stats_table(const StoreStats& stats, std::ostream& out) {
  const EngineStats& engine = stats.engine;
  out << plural(stats.regions.size(), "region") << "; table files " << format_bytes(engine.sst_bytes)
      << ", write-ahead log " << format_bytes(engine.wal_bytes) << " (in memtables "
      << format_bytes(engine.memtable_bytes) << "), pending compaction "
      << format_bytes(engine.pending_compaction_bytes) << "\n";
  if (engine.regions.empty()) return;
  Table table({"region", "table files", "in memtables", "estimated records", "pending compaction"});
  for (const EngineStats::Region& region : engine.regions)
    table.add({printable(region.name), format_bytes(region.sst_bytes),
               format_bytes(region.memtable_bytes), std::to_string(region.estimated_keys),
               format_bytes(region.pending_compaction_bytes)});
  out << "\n";
  table.write(out, "");
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  for (value /= 1024; value >= 1024 && unit + 1 < std::size(units); value /= 1024) ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

std::string format_duration(std::chrono::milliseconds d) {
  using Rep = std::chrono::milliseconds::rep;
  if (d.count() < 0) {
    return "-" + format_duration(std::chrono::milliseconds(
                     d.count() == std::numeric_limits<Rep>::min() ? std::numeric_limits<Rep>::max()
                                                                  : -d.count()));
  }
  const long long ms = d.count();
  char text[48];
  if (ms < 1000)
    std::snprintf(text, sizeof text, "%lldms", ms);
  else if (ms < 60'000)
    std::snprintf(text, sizeof text, "%lld.%llds", ms / 1000, ms % 1000 / 100);
  else if (ms < 3'600'000)
    std::snprintf(text, sizeof text, "%lldm%02llds", ms / 60'000, ms % 60'000 / 1000);
  else if (ms < 86'400'000)
    std::snprintf(text, sizeof text, "%lldh%02lldm", ms / 3'600'000, ms % 3'600'000 / 60'000);
  else
    std::snprintf(text, sizeof text, "%lldd%02lldh", ms / 86'400'000, ms % 86'400'000 / 3'600'000);
  return text;
}

void write_lookup(const RegionSnapshot& region, TimePoint now, std::ostream& out) {
  const InspectedRecord& record = region.records.front();
  Table table({"region", printable(region.name)});
  table.add({"key", printable(record.key)});
  const bool counting_down = !record.no_expiry && !record.expired && record.expires_at;
  table.add({"expires", (counting_down ? "in " : "") + expires_in(record, now)});
  if (!region.locks.empty()) {
    const InspectedLock& lock = region.locks.front();
    table.add({"lock", "fencing token " + std::to_string(lock.fencing_token) + ", age " +
                           format_duration(between(now, lock.acquired_at)) + ", lease left " +
                           lease_left(lock, now)});
  }
  table.add({"size", plural(record.value.size(), "byte")});
  table.add({"value", preview(record.value, record.value.size())});
  table.write(out, "");
}

void write_table(const StoreSnapshot& snapshot, const InspectOptions& options, std::ostream& out) {
  write_summary(snapshot, out);
  for (const auto& region : snapshot.regions) {
    if (!options.locks_only) write_records(region, options, snapshot.now, out);
    if (options.locks_only || region.lock_count > 0) write_locks(region, snapshot.now, out);
    if (!region.corrupt.empty()) write_corrupt(region, out);
  }
}

}  // namespace regionkv::tools
