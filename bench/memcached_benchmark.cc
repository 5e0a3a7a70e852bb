// Lock cycles on the memcached backing store, and their floor:
//   BM_LockCycle_Memcached       Region::get_lock + Lock::release
//   BM_Floor_MemcachedAddDelete  raw libmemcached add + delete of a record as
//                                large as a lease, on a client set up as the
//                                driver sets up its own
// A cycle costs the floor two round trips and regionkv three: the fencing
// counter's incr, the add (pipelined with the read that tells whether it
// won), and the CAS-conditional delete.
//
// The server is REGIONKV_MEMCACHED_URL (host:port) if set, else a memcached
// this process starts on a free loopback port and stops at exit.
// docs/benchmarks.md has the numbers and the command.
#include <benchmark/benchmark.h>
#include <libmemcached/memcached.h>

#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench/lock_bench_support.h"
#include "lock/lease_record.h"
#include "region/backends/memcached/libmemcached_options.h"
#include "regionkv/regionkv.h"
#include "tests/support/memcached_server.h"

namespace regionkv::bench {
namespace {

// Started on the main thread by the first Setup (the server dies with the
// thread that started it) and kept for the whole run, so every benchmark
// measures the same server.
std::optional<testing::MemcachedServer> own_server;

std::string server_url() {
  if (const char* url = std::getenv("REGIONKV_MEMCACHED_URL"); url && *url) return url;
  if (!own_server) own_server.emplace();
  return own_server->address();
}

// ---- regionkv ---------------------------------------------------------------

struct MemcachedBench {
  std::unique_ptr<ScratchDirectory> directory;
  std::unique_ptr<Store> store;
  Region* region = nullptr;
};
MemcachedBench bench;

void open_region(const benchmark::State&) {
  bench.directory = std::make_unique<ScratchDirectory>();
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  bench.store = Store::open(bench.directory->path() / "store", options);
  // A fresh region name per run: no lock records left from an earlier one.
  bench.region = &bench.store->region("bench-" + xxh3_mangle_key(bench.directory->path().string()));
  RegionConfig config;
  config.backing_store = "memcached";
  config.backend_args["url"] = server_url();
  // The contended variants must never give up: waiting is what they measure.
  config.max_lock_attempts = std::numeric_limits<int>::max();
  bench.region->configure(config);
}

void close_region(const benchmark::State&) {
  bench.region = nullptr;
  bench.store.reset();
  bench.directory.reset();
}

void lock_cycles(benchmark::State& state, bool contended) {
  bench::lock_cycles(state, *bench.region, contended);
}

void BM_LockCycle_Memcached(benchmark::State& state) { lock_cycles(state, false); }
void BM_LockCycle_Memcached_Contended(benchmark::State& state) { lock_cycles(state, true); }

BENCHMARK(BM_LockCycle_Memcached)
    ->Setup(open_region)
    ->Teardown(close_region)
    ->Apply(one_and_two_threads);
BENCHMARK(BM_LockCycle_Memcached_Contended)
    ->Setup(open_region)
    ->Teardown(close_region)
    ->Apply(one_and_two_threads);

// ---- raw libmemcached ---------------------------------------------------------

memcached::LibmemcachedOptions floor_options;

void resolve_server(const benchmark::State&) {
  floor_options = memcached::parse_libmemcached_options({{"url", server_url()}});
}

// One client per thread, configured as the driver configures its clients.
class FloorClient {
 public:
  FloorClient() : client_(memcached_create(nullptr)) {
    if (client_ == nullptr) throw std::bad_alloc();
    memcached::configure_client(client_, floor_options);
  }
  ~FloorClient() { memcached_free(client_); }
  FloorClient(const FloorClient&) = delete;
  FloorClient& operator=(const FloorClient&) = delete;

  // true if the key was added, false if it exists.
  bool add(const std::string& key, const std::string& value) {
    const memcached_return_t rc =
        memcached_add(client_, key.data(), key.size(), value.data(), value.size(), 6, 0);
    if (rc == MEMCACHED_SUCCESS) return true;
    if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) return false;
    throw std::runtime_error(std::string("add: ") + memcached_last_error_message(client_));
  }
  void erase(const std::string& key) {
    const memcached_return_t rc = memcached_delete(client_, key.data(), key.size(), 0);
    if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_DELETED)
      throw std::runtime_error(std::string("delete: ") + memcached_last_error_message(client_));
  }

 private:
  memcached_st* client_;
};

void add_delete_cycles(benchmark::State& state, bool contended) {
  FloorClient client;
  // As long as the key regionkv sends: region prefix + "_lock" + mangled key.
  const std::string key = std::string(17, 'p') + lock_record_key(bench_key(state, contended));
  const std::string value(lock::kLeaseRecordSize, 'L');
  for (auto _ : state) {
    while (!client.add(key, value)) std::this_thread::yield();
    client.erase(key);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Floor_MemcachedAddDelete(benchmark::State& state) { add_delete_cycles(state, false); }
void BM_Floor_MemcachedAddDelete_Contended(benchmark::State& state) {
  add_delete_cycles(state, true);
}

BENCHMARK(BM_Floor_MemcachedAddDelete)->Setup(resolve_server)->Apply(one_and_two_threads);
BENCHMARK(BM_Floor_MemcachedAddDelete_Contended)->Setup(resolve_server)->Apply(one_and_two_threads);

}  // namespace
}  // namespace regionkv::bench
