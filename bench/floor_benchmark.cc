// The reference points the lock benchmarks are judged against, measured in
// the same run with the same RocksDB options as a store
// (engine/rocksdb_options.h):
//   BM_Floor_MutexMap              std::mutex + unordered_map insert/erase
//   BM_Floor_RocksDBPutDelete      raw Put + Delete of the lock key
//   BM_Floor_RocksDBPutDeleteSync  the same, fsynced
//   BM_Peer_TransactionDBLock      what a RocksDB user would otherwise write:
//                                  TransactionDB GetForUpdate + Put + Commit,
//                                  then Delete
// A floor does the least a lock cycle must do (one insert and one removal of
// a record as large as ours); the peer is a real lock.
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/utilities/transaction_db.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>

#include "bench/lock_bench_support.h"
#include "engine/rocksdb_options.h"

namespace regionkv::bench {
namespace {

void check(const rocksdb::Status& status, const char* what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + ": " + status.ToString());
}

// ---- std::mutex + std::unordered_map -------------------------------------

struct MutexMap {
  std::mutex mutex;
  std::unordered_map<std::string, std::uint64_t> records;  // guarded by mutex
  std::uint64_t next_token = 0;                            // guarded by mutex
};
std::unique_ptr<MutexMap> mutex_map;

void make_mutex_map(const benchmark::State&) { mutex_map = std::make_unique<MutexMap>(); }
void drop_mutex_map(const benchmark::State&) { mutex_map.reset(); }

void mutex_map_cycles(benchmark::State& state, bool contended) {
  MutexMap& map = *mutex_map;
  const std::string key = lock_record_key(bench_key(state, contended));
  for (auto _ : state) {
    for (;;) {  // acquire: insert if absent
      {
        std::lock_guard guard(map.mutex);
        if (map.records.try_emplace(key, ++map.next_token).second) break;
      }
      std::this_thread::yield();
    }
    std::lock_guard guard(map.mutex);  // release
    map.records.erase(key);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Floor_MutexMap(benchmark::State& state) { mutex_map_cycles(state, false); }
void BM_Floor_MutexMap_Contended(benchmark::State& state) {
  mutex_map_cycles(state, true);
}
BENCHMARK(BM_Floor_MutexMap)
    ->Setup(make_mutex_map)->Teardown(drop_mutex_map)->Apply(one_and_two_threads);
BENCHMARK(BM_Floor_MutexMap_Contended)
    ->Setup(make_mutex_map)->Teardown(drop_mutex_map)->Apply(one_and_two_threads);

// ---- raw RocksDB ----------------------------------------------------------

// A database opened as a store opens one, with one column family opened as
// a region's is.
struct RawRocksDB {
  std::unique_ptr<ScratchDirectory> directory;
  engine::StoreRocksDBOptions options;  // its cache and memtable budget outlive db
  std::unique_ptr<rocksdb::DB> db;  // a TransactionDB for the peer
  rocksdb::TransactionDB* transactions = nullptr;
  rocksdb::ColumnFamilyHandle* family = nullptr;
  rocksdb::WriteOptions write_options;
};
RawRocksDB raw;

void open_raw(Durability durability, bool transaction_db) {
  raw.directory = std::make_unique<ScratchDirectory>();
  StoreOptions store_options;
  store_options.durability = durability;
  raw.options = engine::store_rocksdb_options(store_options);
  rocksdb::Options options(raw.options.db, raw.options.family);
  // Made here, as the Engine makes a store's: RocksDB logs an error when it
  // looks for a directory that is not there yet.
  std::filesystem::create_directories(raw.directory->path() / "db");
  const std::string path = (raw.directory->path() / "db").string();
  if (transaction_db) {
    rocksdb::TransactionDB* db = nullptr;
    check(rocksdb::TransactionDB::Open(options, rocksdb::TransactionDBOptions(), path, &db),
          "open TransactionDB");
    raw.transactions = db;
    raw.db.reset(db);
  } else {
    rocksdb::DB* db = nullptr;
    check(rocksdb::DB::Open(options, path, &db), "open DB");
    raw.db.reset(db);
  }
  check(raw.db->CreateColumnFamily(raw.options.family, "bench", &raw.family),
        "create column family");
  raw.write_options = raw.options.write;
}

void open_raw_process_crash(const benchmark::State&) {
  open_raw(Durability::kProcessCrash, false);
}
void open_raw_power_loss(const benchmark::State&) {
  open_raw(Durability::kPowerLoss, false);
}
void open_transaction_db(const benchmark::State&) {
  open_raw(Durability::kProcessCrash, true);
}
void close_raw(const benchmark::State&) {
  raw.db->DestroyColumnFamilyHandle(raw.family);
  raw.family = nullptr;
  raw.transactions = nullptr;
  raw.db.reset();
  raw.options = {};
  raw.directory.reset();
}

void put_delete_cycles(benchmark::State& state) {
  const std::string key = lock_record_key(bench_key(state, false));
  const std::string value = lock_record_value();
  for (auto _ : state) {
    check(raw.db->Put(raw.write_options, raw.family, key, value), "Put");
    check(raw.db->Delete(raw.write_options, raw.family, key), "Delete");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Floor_RocksDBPutDelete(benchmark::State& state) { put_delete_cycles(state); }
void BM_Floor_RocksDBPutDeleteSync(benchmark::State& state) { put_delete_cycles(state); }
BENCHMARK(BM_Floor_RocksDBPutDelete)
    ->Setup(open_raw_process_crash)->Teardown(close_raw)->Apply(one_and_two_threads);
BENCHMARK(BM_Floor_RocksDBPutDeleteSync)
    ->Setup(open_raw_power_loss)->Teardown(close_raw)->Apply(one_to_eight_threads)
    ->MinTime(kFsyncBoundMinTime);

// ---- the TransactionDB peer ------------------------------------------------

// Takes the lock record by compare-and-set inside a pessimistic transaction:
// GetForUpdate locks the key, the record is written if absent, Commit
// releases the row lock. False if another holder's record is there (or the
// row lock timed out under contention).
bool transaction_db_try_lock(const std::string& key, const std::string& value) {
  std::unique_ptr<rocksdb::Transaction> txn(
      raw.transactions->BeginTransaction(raw.write_options));
  std::string current;
  const rocksdb::Status read =
      txn->GetForUpdate(rocksdb::ReadOptions(), raw.family, key, &current);
  if (read.ok() || read.IsTimedOut() || read.IsBusy()) {
    check(txn->Rollback(), "Rollback");
    return false;
  }
  if (!read.IsNotFound()) check(read, "GetForUpdate");
  check(txn->Put(raw.family, key, value), "Put");
  check(txn->Commit(), "Commit");
  return true;
}

void transaction_db_cycles(benchmark::State& state, bool contended) {
  const std::string key = lock_record_key(bench_key(state, contended));
  const std::string value = lock_record_value();
  for (auto _ : state) {
    while (!transaction_db_try_lock(key, value)) std::this_thread::yield();
    check(raw.transactions->Delete(raw.write_options, raw.family, key), "Delete");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Peer_TransactionDBLock(benchmark::State& state) {
  transaction_db_cycles(state, false);
}
void BM_Peer_TransactionDBLock_Contended(benchmark::State& state) {
  transaction_db_cycles(state, true);
}
BENCHMARK(BM_Peer_TransactionDBLock)
    ->Setup(open_transaction_db)->Teardown(close_raw)->Apply(one_and_two_threads);
BENCHMARK(BM_Peer_TransactionDBLock_Contended)
    ->Setup(open_transaction_db)->Teardown(close_raw)->Apply(one_and_two_threads);

}  // namespace
}  // namespace regionkv::bench
