// Reads and writes through a region, against RocksDB doing the same work by
// hand, in one run:
//   BM_Region_Set / Get / GetMiss / GetMulti   Region::set, get, find of an
//                                              absent key, get_multi of 100
//   BM_Floor_RawPut / RawGet / RawGetMiss / RawMultiGet
//        raw RocksDB opened with the store's options (engine/rocksdb_options.h),
//        reading and writing the very keys and record bytes the region
//        stores: the least regionkv's calls could cost
//   BM_Peer_RocksDBDefault_Put / Get / GetMiss / MultiGet
//        untuned RocksDB (default Options) with the caller's own keys and
//        values: what a user would write by hand
// Each of the three holds the same records, loaded once per process and
// compacted before the first measurement (writes go to a copy, so that the
// reads always see that state): REGIONKV_BENCH_RECORDS of them
// (default 1,000,000), keys "key-<i>", 100-byte values. A read picks keys in
// one pseudo-random order shared by all; absent keys are "key-<i>" for i at
// or past the record count, so they fall among the present ones. 1 thread;
// items_per_second counts keys per second of the thread's CPU time.
// REGIONKV_BENCH_PIN_INDEX=0 measures StoreOptions::pin_index_and_filter_blocks
// = false. docs/benchmarks.md has the command and the numbers.
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/lock_bench_support.h"
#include "engine/engine.h"
#include "engine/record.h"
#include "engine/rocksdb_options.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"

namespace regionkv::bench {
namespace {

constexpr std::size_t kValueSize = 100;
constexpr std::size_t kMultiGetKeys = 100;
constexpr std::size_t kLoadBatch = 10000;
// Keys each benchmark cycles through (a sample of the records when there
// are more), so that no key is built during a measurement.
constexpr std::size_t kSampleSize = std::size_t{1} << 18;

std::size_t record_count() {
  const char* text = std::getenv("REGIONKV_BENCH_RECORDS");
  return text ? std::max<std::size_t>(kMultiGetKeys, std::strtoull(text, nullptr, 10))
              : 1000000;
}

// The store's options, for the region and the floor alike: the defaults,
// or with REGIONKV_BENCH_PIN_INDEX=0, index and filter blocks evictable.
StoreOptions bench_store_options() {
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  const char* pin = std::getenv("REGIONKV_BENCH_PIN_INDEX");
  options.pin_index_and_filter_blocks = !(pin && std::string(pin) == "0");
  return options;
}

void check(const rocksdb::Status& status, const char* what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + ": " + status.ToString());
}

std::string raw_key(std::size_t i) { return "key-" + std::to_string(i); }

// 100 bytes from a 64-letter alphabet, different for each record: about as
// compressible as tokens are.
std::string value_for(std::size_t i) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uint64_t state = i * 0x9e3779b97f4a7c15ULL + 1;  // xorshift64, seeded by i
  std::string value(kValueSize, ' ');
  for (auto& c : value) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = kAlphabet[state >> 58];
  }
  return value;
}

// The keys and values every benchmark uses, in the same order.
struct Sample {
  std::vector<std::size_t> present;         // record indexes
  std::vector<std::string> raw, stored;     // present keys
  std::vector<std::string> absent_raw, absent_stored;
  std::vector<std::string> values, records;  // raw values; as the region stores them

  explicit Sample(std::size_t record_count) {
    std::mt19937_64 random(42);
    const std::size_t size = std::min(record_count, kSampleSize);
    for (std::size_t n = 0; n < size; ++n) {
      const std::size_t i = random() % record_count;
      present.push_back(i);
      raw.push_back(raw_key(i));
      stored.push_back(xxh3_mangle_key(raw.back()));
      const std::string absent = raw_key(record_count + random() % record_count);
      absent_raw.push_back(absent);
      absent_stored.push_back(xxh3_mangle_key(absent));
      values.push_back(value_for(i));
      records.push_back(
          engine::encode_record(engine::RecordKind::kValue, std::nullopt, values.back()));
    }
  }
  std::size_t size() const { return present.size(); }
};

// Loads `count` records through put(batch) in batches of kLoadBatch.
template <typename PutBatch>
void load(std::size_t count, PutBatch put_batch) {
  for (std::size_t start = 0; start < count; start += kLoadBatch)
    put_batch(start, std::min(count, start + kLoadBatch));
}

void compact(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
  rocksdb::CompactRangeOptions everything;
  everything.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  check(db.CompactRange(everything, family, nullptr, nullptr), "CompactRange");
}

// Makes `to` a copy of `db` as it is now (table files hard-linked).
void checkpoint(rocksdb::DB& db, const std::filesystem::path& to) {
  rocksdb::Checkpoint* raw = nullptr;
  check(rocksdb::Checkpoint::Create(&db, &raw), "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> made(raw);
  check(made->CreateCheckpoint(to.string()), "checkpoint");
}

// ---- the databases, each made on first use and kept for the run -----------
// Each kind has two copies of the same records: one that only the read
// benchmarks use, so that their LSM tree stays as it was loaded, and one for
// the write benchmarks.

struct RegionDb {
  ScratchDirectory directory;
  std::unique_ptr<Store> store;
  Region* region = nullptr;

  // Loads `records` records.
  explicit RegionDb(std::size_t records) {
    open(directory.path() / "store");
    load(records, [&](std::size_t from, std::size_t to) {
      std::map<std::string, std::string> items;
      for (std::size_t i = from; i < to; ++i) items.emplace(raw_key(i), value_for(i));
      region->set_multi(items);
    });
    auto& engine = StoreInternals::engine(*store);
    compact(engine.db(), engine.column_family("bench"));
  }
  // A copy of `original`.
  explicit RegionDb(RegionDb& original) {
    checkpoint(StoreInternals::engine(*original.store).db(), directory.path() / "store");
    open(directory.path() / "store");
  }
  void open(const std::filesystem::path& path) {
    store = Store::open(path, bench_store_options());
    region = &store->region("bench");
    if (!region->configured()) region->configure({});
  }
  ~RegionDb() { store.reset(); }
};

// Raw RocksDB: `tuned` opens it as a store opens one, holding the region's
// stored keys and record bytes; otherwise with default Options, holding the
// raw keys and values.
struct RawDb {
  ScratchDirectory directory;
  bool tuned;
  engine::StoreRocksDBOptions store_options;  // outlives db
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* family = nullptr;
  rocksdb::WriteOptions write_options;

  RawDb(std::size_t records, bool tuned) : tuned(tuned) {
    open(false);
    load(records, [&](std::size_t from, std::size_t to) {
      rocksdb::WriteBatch batch;
      for (std::size_t i = from; i < to; ++i) {
        const std::string key = raw_key(i), value = value_for(i);
        if (tuned) {
          check(batch.Put(family, xxh3_mangle_key(key),
                          engine::encode_record(engine::RecordKind::kValue, std::nullopt, value)),
                "batch");
        } else {
          check(batch.Put(family, key, value), "batch");
        }
      }
      check(db->Write(write_options, &batch), "load");
    });
    compact(*db, family);
  }
  explicit RawDb(RawDb& original) : tuned(original.tuned) {
    checkpoint(*original.db, directory.path() / "db");
    open(true);
  }
  void open(bool existing) {
    rocksdb::Options options;
    if (tuned) {
      store_options = engine::store_rocksdb_options(bench_store_options());
      options = rocksdb::Options(store_options.db, store_options.family);
      write_options = store_options.write;
    }
    options.create_if_missing = true;
    // Made here, as the Engine makes a store's: RocksDB logs an error when
    // it looks for a directory that is not there yet.
    std::filesystem::create_directories(directory.path() / "db");
    const std::string path = (directory.path() / "db").string();
    rocksdb::DB* raw = nullptr;
    if (!tuned) {
      check(rocksdb::DB::Open(options, path, &raw), "open");
      db.reset(raw);
      family = db->DefaultColumnFamily();
      return;
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> families{
        {rocksdb::kDefaultColumnFamilyName, store_options.family}};
    if (existing) families.emplace_back("bench", store_options.family);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    check(rocksdb::DB::Open(options, path, families, &handles, &raw), "open");
    db.reset(raw);
    db->DestroyColumnFamilyHandle(handles[0]);
    if (existing) {
      family = handles[1];
    } else {
      check(db->CreateColumnFamily(store_options.family, "bench", &family), "create family");
    }
  }
  ~RawDb() {
    if (family != db->DefaultColumnFamily()) db->DestroyColumnFamilyHandle(family);
    db.reset();
  }
};

template <typename Db>
struct Copies {
  std::unique_ptr<Db> read, write;
};

struct DataPathBench {
  std::size_t records = record_count();
  std::unique_ptr<Sample> sample;
  Copies<RegionDb> region;
  Copies<RawDb> floor, peer;

  Sample& keys() {
    if (!sample) sample = std::make_unique<Sample>(records);
    return *sample;
  }
};
DataPathBench bench;

// The databases stay open from their first benchmark to the end of the run,
// and close in an exit handler registered after each opens: RocksDB's
// function-local statics made during the open are destroyed only after it.
void close_all() {
  for (auto* copies : {&bench.region.write, &bench.region.read}) copies->reset();
  for (auto* copies : {&bench.floor.write, &bench.floor.read, &bench.peer.write,
                       &bench.peer.read})
    copies->reset();
}
template <typename Db, typename... Args>
Db& open_once(Copies<Db>& copies, bool for_writes, Args... args) {
  if (!copies.read) {
    copies.read = std::make_unique<Db>(bench.records, args...);
    std::atexit(close_all);
  }
  if (!for_writes) return *copies.read;
  if (!copies.write) {
    copies.write = std::make_unique<Db>(*copies.read);
    std::atexit(close_all);
  }
  return *copies.write;
}
void open_region(const benchmark::State&) { open_once(bench.region, false); }
void open_region_for_writes(const benchmark::State&) { open_once(bench.region, true); }
void open_floor(const benchmark::State&) { open_once(bench.floor, false, true); }
void open_floor_for_writes(const benchmark::State&) { open_once(bench.floor, true, true); }
void open_peer(const benchmark::State&) { open_once(bench.peer, false, false); }
void open_peer_for_writes(const benchmark::State&) { open_once(bench.peer, true, false); }

void report(benchmark::State& state, std::size_t keys_per_iteration = 1) {
  state.SetItemsProcessed(state.iterations() * keys_per_iteration);
  state.counters["records"] = static_cast<double>(bench.records);
}

// ---- regionkv ----------------------------------------------------------------

void BM_Region_Set(benchmark::State& state) {
  const Sample& s = bench.keys();
  Region& region = *bench.region.write->region;
  std::size_t n = 0;
  for (auto _ : state) {
    region.set(s.raw[n], s.values[n]);
    if (++n == s.size()) n = 0;
  }
  report(state);
}

void BM_Region_Get(benchmark::State& state) {
  const Sample& s = bench.keys();
  Region& region = *bench.region.read->region;
  std::size_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(region.get(s.raw[n]));
    if (++n == s.size()) n = 0;
  }
  report(state);
}

void BM_Region_GetMiss(benchmark::State& state) {
  const Sample& s = bench.keys();
  Region& region = *bench.region.read->region;
  std::size_t n = 0;
  for (auto _ : state) {
    if (region.find(s.absent_raw[n])) state.SkipWithError("an absent key was found");
    if (++n == s.size()) n = 0;
  }
  report(state);
}

void BM_Region_GetMulti(benchmark::State& state) {
  const Sample& s = bench.keys();
  Region& region = *bench.region.read->region;
  std::vector<std::vector<std::string>> groups;
  for (std::size_t n = 0; n + kMultiGetKeys <= s.size(); n += kMultiGetKeys)
    groups.emplace_back(s.raw.begin() + n, s.raw.begin() + n + kMultiGetKeys);
  std::size_t g = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(region.get_multi(groups[g]));
    if (++g == groups.size()) g = 0;
  }
  report(state, kMultiGetKeys);
}

// ---- raw RocksDB: the floor (store options, stored bytes) and the peer ------

void raw_puts(benchmark::State& state, RawDb& db, const std::vector<std::string>& keys,
              const std::vector<std::string>& values) {
  std::size_t n = 0;
  for (auto _ : state) {
    check(db.db->Put(db.write_options, db.family, keys[n], values[n]), "Put");
    if (++n == keys.size()) n = 0;
  }
  report(state);
}

void raw_gets(benchmark::State& state, RawDb& db, const std::vector<std::string>& keys,
              bool present) {
  const rocksdb::ReadOptions read_options;
  std::string value;
  std::size_t n = 0;
  for (auto _ : state) {
    const rocksdb::Status status = db.db->Get(read_options, db.family, keys[n], &value);
    if (status.ok() != present) state.SkipWithError(status.ToString().c_str());
    if (++n == keys.size()) n = 0;
  }
  report(state);
}

// The batched MultiGet of one column family, values pinned where they lie.
void raw_multi_gets(benchmark::State& state, RawDb& db, const std::vector<std::string>& keys) {
  const rocksdb::ReadOptions read_options;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(kMultiGetKeys);
  std::vector<rocksdb::Status> statuses(kMultiGetKeys);
  std::size_t n = 0;
  for (auto _ : state) {
    db.db->MultiGet(read_options, db.family, kMultiGetKeys, slices.data() + n, values.data(),
                    statuses.data());
    for (auto& value : values) value.Reset();
    n += kMultiGetKeys;
    if (n + kMultiGetKeys > keys.size()) n = 0;
  }
  report(state, kMultiGetKeys);
}

void BM_Floor_RawPut(benchmark::State& state) {
  raw_puts(state, *bench.floor.write, bench.keys().stored, bench.keys().records);
}
void BM_Floor_RawGet(benchmark::State& state) {
  raw_gets(state, *bench.floor.read, bench.keys().stored, true);
}
void BM_Floor_RawGetMiss(benchmark::State& state) {
  raw_gets(state, *bench.floor.read, bench.keys().absent_stored, false);
}
void BM_Floor_RawMultiGet(benchmark::State& state) {
  raw_multi_gets(state, *bench.floor.read, bench.keys().stored);
}

void BM_Peer_RocksDBDefault_Put(benchmark::State& state) {
  raw_puts(state, *bench.peer.write, bench.keys().raw, bench.keys().values);
}
void BM_Peer_RocksDBDefault_Get(benchmark::State& state) {
  raw_gets(state, *bench.peer.read, bench.keys().raw, true);
}
void BM_Peer_RocksDBDefault_GetMiss(benchmark::State& state) {
  raw_gets(state, *bench.peer.read, bench.keys().absent_raw, false);
}
void BM_Peer_RocksDBDefault_MultiGet(benchmark::State& state) {
  raw_multi_gets(state, *bench.peer.read, bench.keys().raw);
}

BENCHMARK(BM_Region_Set)->Setup(open_region_for_writes);
BENCHMARK(BM_Region_Get)->Setup(open_region);
BENCHMARK(BM_Region_GetMiss)->Setup(open_region);
BENCHMARK(BM_Region_GetMulti)->Setup(open_region);
BENCHMARK(BM_Floor_RawPut)->Setup(open_floor_for_writes);
BENCHMARK(BM_Floor_RawGet)->Setup(open_floor);
BENCHMARK(BM_Floor_RawGetMiss)->Setup(open_floor);
BENCHMARK(BM_Floor_RawMultiGet)->Setup(open_floor);
BENCHMARK(BM_Peer_RocksDBDefault_Put)->Setup(open_peer_for_writes);
BENCHMARK(BM_Peer_RocksDBDefault_Get)->Setup(open_peer);
BENCHMARK(BM_Peer_RocksDBDefault_GetMiss)->Setup(open_peer);
BENCHMARK(BM_Peer_RocksDBDefault_MultiGet)->Setup(open_peer);

}  // namespace
}  // namespace regionkv::bench
