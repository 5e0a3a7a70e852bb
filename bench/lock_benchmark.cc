// Lock cycles (Region::get_lock + Lock::release) per second on each built-in
// backing store except memcached (bench/memcached_benchmark.cc). Compare with
// bench/floor_benchmark.cc, measured in the same run; docs/benchmarks.md has
// the numbers and the command.
#include <benchmark/benchmark.h>

#include <limits>
#include <memory>
#include <string>

#include "bench/lock_bench_support.h"
#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"

namespace regionkv::bench {
namespace {

// One store per benchmark run, shared by its threads; Setup and Teardown run
// on the main thread around each run.
struct LockBench {
  std::unique_ptr<ScratchDirectory> directory;
  std::unique_ptr<Store> store;
  Region* region = nullptr;
};
LockBench bench;

void open_store(const char* backing_store, Durability durability) {
  bench.directory = std::make_unique<ScratchDirectory>();
  StoreOptions options;
  options.durability = durability;
  options.sweep_interval = std::chrono::milliseconds(0);
  bench.store = Store::open(bench.directory->path() / "store", options);
  bench.region = &bench.store->region("bench");
  RegionConfig config;
  config.backing_store = backing_store;
  // The contended variants must never give up: waiting is what they measure.
  config.max_lock_attempts = std::numeric_limits<int>::max();
  bench.region->configure(config);
}

void open_memory(const benchmark::State&) {
  open_store("memory", Durability::kProcessCrash);
}
void open_rocksdb(const benchmark::State&) {
  open_store("rocksdb", Durability::kProcessCrash);
}
void open_rocksdb_power_loss(const benchmark::State&) {
  open_store("rocksdb", Durability::kPowerLoss);
}
void close_store(const benchmark::State&) {
  bench.region = nullptr;
  bench.store.reset();
  bench.directory.reset();
}

void lock_cycles(benchmark::State& state, bool contended) {
  bench::lock_cycles(state, *bench.region, contended);
}

void BM_LockCycle_Memory(benchmark::State& state) { lock_cycles(state, false); }
void BM_LockCycle_Memory_Contended(benchmark::State& state) {
  lock_cycles(state, true);
}
void BM_LockCycle_RocksDB(benchmark::State& state) { lock_cycles(state, false); }
void BM_LockCycle_RocksDB_Contended(benchmark::State& state) {
  lock_cycles(state, true);
}
// Also reports how many writes each fsync carried (engine/commit_pipeline.h).
void power_loss_lock_cycles(benchmark::State& state, bool contended) {
  lock_cycles(state, contended);
  if (state.thread_index() != 0) return;
  const auto stats = StoreInternals::engine(*bench.store).commit_pipeline()->stats();
  state.counters["writes_per_fsync"] =
      stats.commits == 0 ? 0.0 : static_cast<double>(stats.batches) / stats.commits;
}

void BM_LockCycle_RocksDBPowerLoss(benchmark::State& state) {
  power_loss_lock_cycles(state, false);
}
void BM_LockCycle_RocksDBPowerLoss_Contended(benchmark::State& state) {
  power_loss_lock_cycles(state, true);
}

BENCHMARK(BM_LockCycle_Memory)
    ->Setup(open_memory)->Teardown(close_store)->Apply(one_and_two_threads);
BENCHMARK(BM_LockCycle_Memory_Contended)
    ->Setup(open_memory)->Teardown(close_store)->Apply(one_and_two_threads);
BENCHMARK(BM_LockCycle_RocksDB)
    ->Setup(open_rocksdb)->Teardown(close_store)->Apply(one_and_two_threads);
BENCHMARK(BM_LockCycle_RocksDB_Contended)
    ->Setup(open_rocksdb)->Teardown(close_store)->Apply(one_and_two_threads);
// An fsync takes milliseconds: run long enough for a few hundred cycles.
BENCHMARK(BM_LockCycle_RocksDBPowerLoss)
    ->Setup(open_rocksdb_power_loss)->Teardown(close_store)->Apply(one_to_eight_threads)
    ->MinTime(kFsyncBoundMinTime);
BENCHMARK(BM_LockCycle_RocksDBPowerLoss_Contended)
    ->Setup(open_rocksdb_power_loss)->Teardown(close_store)->Apply(one_and_two_threads)
    ->MinTime(kFsyncBoundMinTime);

}  // namespace
}  // namespace regionkv::bench
