// The sweeper (engine/sweeper.cc): how fast one pass removes a backlog of
// expired records, and what the background sweeper costs foreground set/get
// while it works (goal: at least 0.8x the throughput without it). The
// numbers and the command are in docs/benchmarks.md, section "Expiry".
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "bench/lock_bench_support.h"
#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"

namespace regionkv::bench {
namespace {

using std::chrono::milliseconds;

constexpr int kWriteBatch = 10'000;  // records per set_multi while loading

// Writes `count` records into `region` in batches.
void load(Region& region, std::int64_t count, const std::string& prefix) {
  std::map<std::string, std::string> items;
  for (std::int64_t i = 0; i < count; ++i) {
    items.emplace(prefix + std::to_string(i), "value-" + std::to_string(i));
    if (items.size() == kWriteBatch || i + 1 == count) {
      region.set_multi(items);
      items.clear();
    }
  }
}

// ---- one pass over a backlog ----------------------------------------------

struct BacklogBench {
  std::unique_ptr<ScratchDirectory> directory;
  std::shared_ptr<ManualTimeSource> clock;
  std::unique_ptr<Store> store;
};
BacklogBench backlog;

// range(0) records, all expired, and no background sweeper.
void load_backlog(const benchmark::State& state, const char* backing_store) {
  backlog.directory = std::make_unique<ScratchDirectory>();
  backlog.clock = std::make_shared<ManualTimeSource>(Clock::now());
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  options.time_source = backlog.clock;
  backlog.store = Store::open(backlog.directory->path() / "store", options);
  Region& region = backlog.store->region("backlog");
  RegionConfig config;
  config.backing_store = backing_store;
  config.expire_time = milliseconds(1000);
  region.configure(config);
  load(region, state.range(0), "expired-");
  if (std::string(backing_store) == "rocksdb") {
    // An old backlog sits compacted on disk; and no compaction started by
    // the load may run on (and filter records) during the measured pass.
    engine::Engine& engine = StoreInternals::engine(*backlog.store);
    rocksdb::CompactRangeOptions everything;
    everything.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    engine::check_status(
        engine.db().CompactRange(everything, engine.find_column_family("backlog"),
                                 nullptr, nullptr),
        "compacting the backlog");
  }
  backlog.clock->advance(milliseconds(1000));
}
void load_rocksdb_backlog(const benchmark::State& state) {
  load_backlog(state, "rocksdb");
}
void load_memory_backlog(const benchmark::State& state) { load_backlog(state, "memory"); }
void close_backlog(const benchmark::State&) {
  backlog.store.reset();
  backlog.directory.reset();
}

// Items: the backlog's records, gone after the pass. Compactions the pass's
// own deletions trigger may drop some first (the compaction filter);
// "by_pass" counts those the pass removed itself.
void sweep_backlog(benchmark::State& state) {
  std::size_t removed = 0;
  for (auto _ : state) removed += backlog.store->sweep_now();
  if (backlog.store->sweep_now() != 0)
    state.SkipWithError("the pass left expired records");
  state.SetItemsProcessed(state.range(0));
  state.counters["by_pass"] = static_cast<double>(removed);
}

void BM_Sweep_RocksDB(benchmark::State& state) { sweep_backlog(state); }
void BM_Sweep_Memory(benchmark::State& state) { sweep_backlog(state); }

BENCHMARK(BM_Sweep_RocksDB)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Setup(load_rocksdb_backlog)
    ->Teardown(close_backlog);
BENCHMARK(BM_Sweep_Memory)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Setup(load_memory_backlog)
    ->Teardown(close_backlog);

// ---- foreground throughput while the sweeper works ----------------------------

constexpr std::int64_t kGarbage = 500'000;  // expired records waiting for the sweeper
constexpr std::int64_t kForegroundKeys = 100'000;

struct ForegroundBench {
  std::unique_ptr<ScratchDirectory> directory;
  std::unique_ptr<Store> store;
  Region* tokens = nullptr;
  std::uint64_t swept_before = 0;
};
ForegroundBench foreground;

// On the system clock. A garbage region whose records expire a millisecond
// after they are written gives the sweeper a backlog; the foreground's own
// values expire after a second, so it keeps finding more. range(0) = 1: the
// background sweeper runs, at the default sweep_interval.
void open_foreground(const benchmark::State& state) {
  foreground.directory = std::make_unique<ScratchDirectory>();
  const auto path = foreground.directory->path() / "store";
  RegionConfig garbage_config;
  garbage_config.expire_time = milliseconds(1);
  {
    StoreOptions loading;
    loading.sweep_interval = milliseconds(0);
    auto store = Store::open(path, loading);
    Region& garbage = store->region("garbage");
    garbage.configure(garbage_config);
    load(garbage, kGarbage, "garbage-");
  }
  StoreOptions options;
  options.sweep_interval =
      state.range(0) ? StoreOptions().sweep_interval : milliseconds(0);
  foreground.store = Store::open(path, options);
  foreground.store->region("garbage").configure(garbage_config);
  foreground.tokens = &foreground.store->region("tokens");
  RegionConfig tokens_config;
  tokens_config.expire_time = milliseconds(1000);
  foreground.tokens->configure(tokens_config);
  load(*foreground.tokens, kForegroundKeys, "token-");
  foreground.swept_before = foreground.store->sweep_stats().records_swept;
}
void close_foreground(const benchmark::State&) {
  foreground.tokens = nullptr;
  foreground.store.reset();
  foreground.directory.reset();
}

void BM_Foreground_SetGet(benchmark::State& state) {
  Region& tokens = *foreground.tokens;
  std::int64_t i = state.thread_index() * 7919;
  for (auto _ : state) {
    tokens.set("token-" + std::to_string(i % kForegroundKeys), "refreshed");
    benchmark::DoNotOptimize(
        tokens.find("token-" + std::to_string((i * 31) % kForegroundKeys)));
    ++i;
  }
  state.SetItemsProcessed(2 * state.iterations());  // one set and one get each
  if (state.thread_index() == 0) {
    state.counters["swept"] = static_cast<double>(
        foreground.store->sweep_stats().records_swept - foreground.swept_before);
  }
}

BENCHMARK(BM_Foreground_SetGet)
    ->ArgName("sweeper")
    ->Arg(0)
    ->Arg(1)
    ->Threads(1)
    ->Threads(2)
    ->Iterations(200'000)  // per thread; fixed, so the setup runs once per variant
    ->UseRealTime()
    ->Setup(open_foreground)
    ->Teardown(close_foreground);

}  // namespace
}  // namespace regionkv::bench
