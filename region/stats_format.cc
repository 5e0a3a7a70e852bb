// StoreStats rendered for Prometheus (text exposition format 0.0.4) and as
// JSON. One table below lists every region figure once, with its name, help
// and kind; both formats walk it, so they cannot disagree.
#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "regionkv/printable.h"
#include "regionkv/stats.h"

namespace regionkv {
namespace {

// Names (regions may be named with any bytes) as both formats need them:
// valid UTF-8 as is, anything else escaped.
std::string text(std::string_view bytes) {
  return is_valid_utf8(bytes) ? std::string(bytes) : printable(bytes);
}

enum class Kind { kCounter, kGauge };

std::string type_name(Kind kind) { return kind == Kind::kCounter ? "counter" : "gauge"; }

// A figure of one region: its Prometheus name (without "regionkv_"), its
// JSON name, its help line, and how to read it.
struct RegionFigure {
  const char* metric;
  const char* json;
  const char* help;
  Kind kind;
  std::function<double(const RegionStats&)> value;
};

const std::vector<RegionFigure>& region_figures() {
  using R = const RegionStats&;
  static const std::vector<RegionFigure> figures = {
      {"region_hits_total", "hits", "Keys read that had a live value.", Kind::kCounter,
       [](R r) { return double(r.hits); }},
      {"region_misses_total", "misses", "Keys read that had no live value.", Kind::kCounter,
       [](R r) { return double(r.misses); }},
      {"region_expired_reads_total", "expired_hidden",
       "Misses that found an expired value not yet swept.", Kind::kCounter,
       [](R r) { return double(r.expired_hidden); }},
      {"region_writes_total", "writes", "Keys written.", Kind::kCounter,
       [](R r) { return double(r.writes); }},
      {"region_deletes_total", "deletes", "Keys erased.", Kind::kCounter,
       [](R r) { return double(r.deletes); }},
      {"region_locks_granted_total", "locks_granted", "Locks granted.", Kind::kCounter,
       [](R r) { return double(r.locks_granted); }},
      {"region_lock_waits_total", "lock_waits",
       "Lock requests that found the lock held at least once.", Kind::kCounter,
       [](R r) { return double(r.lock_waits); }},
      {"region_lock_wait_seconds_total", "lock_wait_seconds",
       "Time lock requests spent waiting for a held lock.", Kind::kCounter,
       [](R r) { return std::chrono::duration<double>(r.lock_wait_time).count(); }},
      {"region_lock_unavailable_total", "lock_unavailable",
       "Lock requests that gave up after max_lock_attempts (LockUnavailable).", Kind::kCounter,
       [](R r) { return double(r.lock_unavailable); }},
      {"region_lock_timeouts_total", "lock_timeouts",
       "Locked writes refused because the lock's lease was spent or taken over (LockTimeout).",
       Kind::kCounter, [](R r) { return double(r.lock_timeouts); }},
      {"region_lock_takeovers_total", "lock_takeovers",
       "Locks granted over a lease that had run out: its holder died or stalled.",
       Kind::kCounter, [](R r) { return double(r.lock_takeovers); }},
      {"region_lock_releases_found_successor_total", "releases_found_successor",
       "Releases that found the lock taken over by another holder.", Kind::kCounter,
       [](R r) { return double(r.releases_found_successor); }},
  };
  return figures;
}

// A label value as the exposition format wants it: \, " and newline escaped.
std::string label_value(std::string_view raw) {
  std::string out;
  for (const char c : text(raw)) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Counts as integers; other figures as the shortest text that reads back
// the same.
std::string number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<long long>(value));
  return nlohmann::json(value).dump();
}

class Exposition {
 public:
  void family(const std::string& metric, const std::string& help, Kind kind) {
    text_ += "# HELP regionkv_" + metric + " " + help + "\n";
    text_ += "# TYPE regionkv_" + metric + " " + type_name(kind) + "\n";
  }
  void sample(const std::string& metric, const std::string& labels, double value) {
    text_ += "regionkv_" + metric + (labels.empty() ? "" : "{" + labels + "}") + " " +
             number(value) + "\n";
  }
  void single(const std::string& metric, const std::string& help, Kind kind, double value) {
    family(metric, help, kind);
    sample(metric, "", value);
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

std::string region_label(const std::string& region) {
  return "region=\"" + label_value(region) + "\"";
}

}  // namespace

std::optional<double> EngineStats::block_cache_hit_rate() const {
  const std::uint64_t reads = block_cache_hits + block_cache_misses;
  if (reads == 0) return std::nullopt;
  return double(block_cache_hits) / double(reads);
}

std::string to_prometheus(const StoreStats& stats) {
  Exposition out;
  for (const RegionFigure& figure : region_figures()) {
    out.family(figure.metric, figure.help, figure.kind);
    for (const RegionStats& region : stats.regions)
      if (!region.backing_store.empty())
        out.sample(figure.metric, region_label(region.name), figure.value(region));
  }

  const auto server_family = [&](const char* metric, const char* help, auto read) {
    out.family(metric, help, Kind::kCounter);
    for (const RegionStats& region : stats.regions)
      for (const ServerStats& server : region.servers)
        out.sample(metric,
                   region_label(region.name) + ",server=\"" + label_value(server.server) + "\"",
                   double(read(server)));
  };
  server_family("server_round_trips_total", "Requests sent to a server and answered.",
                [](const ServerStats& s) { return s.round_trips; });
  server_family("server_errors_total", "Calls to a server that failed, timeouts included.",
                [](const ServerStats& s) { return s.errors; });
  server_family("server_timeouts_total", "Calls a server did not answer in time.",
                [](const ServerStats& s) { return s.timeouts; });

  const SweepStats& sweeper = stats.sweeper;
  out.single("sweeper_passes_total", "Sweeper passes run.", Kind::kCounter,
             double(sweeper.passes));
  out.single("sweeper_passes_cut_short_total", "Sweeper passes stopped at their time budget.",
             Kind::kCounter, double(sweeper.passes_cut_short));
  out.single("sweeper_records_swept_total",
             "Expired values and spent lock records the sweeper removed.", Kind::kCounter,
             double(sweeper.records_swept));
  out.single("sweeper_errors_total", "Failed sweeps of a region (each retried).",
             Kind::kCounter, double(sweeper.errors));
  out.single("sweeper_last_pass_seconds", "Wall time of the latest sweeper pass.",
             Kind::kGauge, std::chrono::duration<double>(sweeper.last_pass_duration).count());

  const EngineStats& engine = stats.engine;
  out.single("block_cache_hits_total", "RocksDB block cache hits.", Kind::kCounter,
             double(engine.block_cache_hits));
  out.single("block_cache_misses_total", "RocksDB block cache misses.", Kind::kCounter,
             double(engine.block_cache_misses));
  out.single("block_cache_bytes", "Bytes in the RocksDB block cache.", Kind::kGauge,
             double(engine.block_cache_bytes));
  out.single("block_cache_capacity_bytes", "The RocksDB block cache's capacity.", Kind::kGauge,
             double(engine.block_cache_capacity));
  out.single("wal_bytes", "Bytes of live RocksDB write-ahead log files.", Kind::kGauge,
             double(engine.wal_bytes));
  const auto engine_family = [&](const char* metric, const char* help, auto total, auto read) {
    out.family(metric, help, Kind::kGauge);
    out.sample(metric, "", double(total));
    for (const EngineStats::Region& region : engine.regions)
      out.sample(metric, region_label(region.name), double(read(region)));
  };
  engine_family("memtable_bytes", "Bytes in RocksDB memtables; unlabelled: the store's total.",
                engine.memtable_bytes, [](const EngineStats::Region& r) { return r.memtable_bytes; });
  engine_family("sst_bytes", "Bytes of RocksDB table files; unlabelled: the store's total.",
                engine.sst_bytes, [](const EngineStats::Region& r) { return r.sst_bytes; });
  engine_family("pending_compaction_bytes",
                "RocksDB's estimate of bytes compaction has to rewrite; unlabelled: the total.",
                engine.pending_compaction_bytes,
                [](const EngineStats::Region& r) { return r.pending_compaction_bytes; });
  out.family("region_estimated_keys", "RocksDB's estimate of a region's records.", Kind::kGauge);
  for (const EngineStats::Region& region : engine.regions)
    out.sample("region_estimated_keys", region_label(region.name), double(region.estimated_keys));
  return out.take();
}

std::string to_json(const StoreStats& stats) {
  nlohmann::ordered_json out;
  out["taken_at_ms"] = std::chrono::floor<std::chrono::milliseconds>(
                           stats.taken_at.time_since_epoch()).count();
  out["regions"] = nlohmann::ordered_json::array();
  for (const RegionStats& region : stats.regions) {
    nlohmann::ordered_json r;
    r["name"] = text(region.name);
    r["backing_store"] = region.backing_store.empty() ? nlohmann::ordered_json(nullptr)
                                                      : nlohmann::ordered_json(region.backing_store);
    if (!region.backing_store.empty())
      for (const RegionFigure& figure : region_figures()) r[figure.json] = figure.value(region);
    r["servers"] = nlohmann::ordered_json::array();
    for (const ServerStats& server : region.servers)
      r["servers"].push_back({{"server", text(server.server)},
                              {"round_trips", server.round_trips},
                              {"errors", server.errors},
                              {"timeouts", server.timeouts}});
    out["regions"].push_back(std::move(r));
  }
  const SweepStats& sweeper = stats.sweeper;
  out["sweeper"] = {{"passes", sweeper.passes},
                    {"passes_cut_short", sweeper.passes_cut_short},
                    {"records_swept", sweeper.records_swept},
                    {"errors", sweeper.errors},
                    {"last_error", text(sweeper.last_error)},
                    {"last_pass_seconds",
                     std::chrono::duration<double>(sweeper.last_pass_duration).count()}};
  const EngineStats& engine = stats.engine;
  const auto hit_rate = engine.block_cache_hit_rate();
  out["engine"] = {{"block_cache_hits", engine.block_cache_hits},
                   {"block_cache_misses", engine.block_cache_misses},
                   {"block_cache_hit_rate",
                    hit_rate ? nlohmann::ordered_json(*hit_rate) : nlohmann::ordered_json(nullptr)},
                   {"block_cache_bytes", engine.block_cache_bytes},
                   {"block_cache_capacity", engine.block_cache_capacity},
                   {"memtable_bytes", engine.memtable_bytes},
                   {"wal_bytes", engine.wal_bytes},
                   {"sst_bytes", engine.sst_bytes},
                   {"pending_compaction_bytes", engine.pending_compaction_bytes}};
  out["engine"]["regions"] = nlohmann::ordered_json::array();
  for (const EngineStats::Region& region : engine.regions)
    out["engine"]["regions"].push_back({{"name", text(region.name)},
                                        {"memtable_bytes", region.memtable_bytes},
                                        {"sst_bytes", region.sst_bytes},
                                        {"pending_compaction_bytes",
                                         region.pending_compaction_bytes},
                                        {"estimated_keys", region.estimated_keys}});
  return out.dump(2);
}

}  // namespace regionkv
