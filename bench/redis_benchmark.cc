// Lock cycles on Redis, ours and the reference points, on one server with the
// same connection settings (the redis store's defaults, from the URL):
//   BM_LockCycle_Redis         Region::get_lock + Lock::release on a region
//                              kept on Redis (backing_store "redis")
//   BM_RedisScripts_LockCycle  the same lock calls without the region: the
//                              acquire script and the release through the
//                              store's client (region/backends/redis/)
//   BM_Floor_RedisSetNxDel     raw hiredis SET key value NX PX + DEL: the
//                              least a lease-based lock can send
//   BM_Peer_RedisPyLock        what redis-py's Lock sends: SET key token NX
//                              PX, then its compare-and-delete Lua script by
//                              EVALSHA (no fencing tokens, no checked writes)
// Keys are as long as our lock records'.
//
// The server is REGIONKV_REDIS_URL (redis://...) if set, else a redis-server
// this process starts on a free loopback port (no persistence) and stops at
// exit. docs/benchmarks.md has the numbers and the command.
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench/lock_bench_support.h"
#include "bench/redis_bench_support.h"
#include "region/backends/redis/connection.h"
#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/lock_steps.h"
#include "region/backends/redis/redis_client.h"
#include "regionkv/regionkv.h"
#include "tests/support/redis_server.h"

namespace regionkv::bench {
namespace {

// ---- ours: the region ------------------------------------------------------------

struct RegionBench {
  std::unique_ptr<ScratchDirectory> directory;
  std::unique_ptr<Store> store;
  Region* region = nullptr;
};
RegionBench region_bench;

void open_region(const benchmark::State&) {
  region_bench.directory = std::make_unique<ScratchDirectory>();
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  region_bench.store = Store::open(region_bench.directory->path() / "store", options);
  region_bench.region = &region_bench.store->region(fresh_region_name());
  RegionConfig config;
  config.backing_store = "redis";
  config.backend_args["url"] = server_url();  // the store's default settings otherwise
  // The contended variants must never give up: waiting is what they measure.
  config.max_lock_attempts = std::numeric_limits<int>::max();
  region_bench.region->configure(config);
}

void close_region(const benchmark::State&) {
  region_bench.region = nullptr;
  region_bench.store.reset();
  region_bench.directory.reset();
}

void BM_LockCycle_Redis(benchmark::State& state) {
  lock_cycles(state, *region_bench.region, false);
}
void BM_LockCycle_Redis_Contended(benchmark::State& state) {
  lock_cycles(state, *region_bench.region, true);
}

BENCHMARK(BM_LockCycle_Redis)
    ->Setup(open_region)
    ->Teardown(close_region)
    ->Apply(one_and_two_threads);
BENCHMARK(BM_LockCycle_Redis_Contended)
    ->Setup(open_region)
    ->Teardown(close_region)
    ->Apply(one_and_two_threads);

// ---- ours: the lock calls alone -----------------------------------------------------

struct ScriptsBench {
  std::unique_ptr<redis::RedisClient> client;
  std::unique_ptr<redis::KeyLayout> layout;
};
ScriptsBench scripts_bench;

void open_scripts(const benchmark::State&) {
  const redis::RedisOptions options = bench_options();
  scripts_bench.client = std::make_unique<redis::RedisClient>(options);
  scripts_bench.layout =
      std::make_unique<redis::KeyLayout>(fresh_region_name(), options.cluster_mode());
}

void close_scripts(const benchmark::State&) {
  scripts_bench.layout.reset();
  scripts_bench.client.reset();
}

void script_cycles(benchmark::State& state, bool contended) {
  redis::RedisClient& client = *scripts_bench.client;
  const redis::KeyLayout& layout = *scripts_bench.layout;
  const std::string lock_key = lock_record_key(bench_key(state, contended));
  for (auto _ : state) {
    std::optional<LockGrant> grant;
    while (!(grant = redis::acquire_lock(client, layout, lock_key, Clock::now(), kLease).grant))
      std::this_thread::yield();
    redis::release_lock(client, layout, lock_key, grant->fencing_token);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RedisScripts_LockCycle(benchmark::State& state) { script_cycles(state, false); }
void BM_RedisScripts_LockCycle_Contended(benchmark::State& state) { script_cycles(state, true); }

BENCHMARK(BM_RedisScripts_LockCycle)
    ->Setup(open_scripts)
    ->Teardown(close_scripts)
    ->Apply(one_and_two_threads);
BENCHMARK(BM_RedisScripts_LockCycle_Contended)
    ->Setup(open_scripts)
    ->Teardown(close_scripts)
    ->Apply(one_and_two_threads);

// ---- raw hiredis: the floor and redis-py's lock -----------------------------------

void set_nx_del_cycles(benchmark::State& state, bool contended) {
  RawClient client;
  const std::string key = raw_key(state, contended);
  const std::string value = "1 1700000000000 6000";  // what a lock record holds
  for (auto _ : state) {
    while (client.run({"SET", key, value, "NX", "PX", kLeaseMs})->type == REDIS_REPLY_NIL)
      std::this_thread::yield();
    client.run({"DEL", key});
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Floor_RedisSetNxDel(benchmark::State& state) { set_nx_del_cycles(state, false); }
void BM_Floor_RedisSetNxDel_Contended(benchmark::State& state) { set_nx_del_cycles(state, true); }

BENCHMARK(BM_Floor_RedisSetNxDel)->Setup(resolve_server)->Apply(one_and_two_threads);
BENCHMARK(BM_Floor_RedisSetNxDel_Contended)->Setup(resolve_server)->Apply(one_and_two_threads);

void redis_py_lock_cycles(benchmark::State& state, bool contended) {
  RawClient client;
  const std::string key = raw_key(state, contended);
  const redis::Reply loaded = client.run({"SCRIPT", "LOAD", kRedisPyReleaseScript});
  const std::string release_sha(loaded->str, loaded->len);
  // redis-py's token: uuid1().hex, 32 hex digits, one per Lock object.
  const std::string token = xxh3_mangle_key(key + std::to_string(state.thread_index()));
  for (auto _ : state) {
    while (client.run({"SET", key, token, "NX", "PX", kLeaseMs})->type == REDIS_REPLY_NIL)
      std::this_thread::yield();
    if (client.run({"EVALSHA", release_sha, "1", key, token})->integer != 1)
      throw std::runtime_error("redis-py release found another token");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Peer_RedisPyLock(benchmark::State& state) { redis_py_lock_cycles(state, false); }
void BM_Peer_RedisPyLock_Contended(benchmark::State& state) { redis_py_lock_cycles(state, true); }

BENCHMARK(BM_Peer_RedisPyLock)->Setup(resolve_server)->Apply(one_and_two_threads);
BENCHMARK(BM_Peer_RedisPyLock_Contended)->Setup(resolve_server)->Apply(one_and_two_threads);

}  // namespace
}  // namespace regionkv::bench
