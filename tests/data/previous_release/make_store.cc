// make_store STORE_DIR: writes the store kept in tests/data/ as
// previous_release_store.tar.gz, with the library and the default options of
// the previous release (commit 4a16a69). generate.sh builds it against that
// commit; this build does not compile it. tests/engine/previous_release_test.cc
// checks what it wrote, so change both together.
#include <rocksdb/db.h>

#include <chrono>
#include <iostream>
#include <string>

#include "engine/engine.h"
#include "regionkv/regionkv.h"

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc != 2) {
    std::cerr << "usage: make_store STORE_DIR\n";
    return 2;
  }
  const auto now = std::chrono::system_clock::now();
  auto clock = std::make_shared<regionkv::ManualTimeSource>(
      std::chrono::time_point_cast<std::chrono::milliseconds>(now));
  regionkv::StoreOptions options;  // the previous release's defaults
  options.sweep_interval = 0ms;
  options.time_source = clock;
  auto store = regionkv::Store::open(argv[1], options);

  regionkv::Region& plain = store->region("plain");
  plain.configure({});
  plain.set("generated_at_ms",
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                               clock->now().time_since_epoch()).count()));
  plain.set("binary", std::string("\0\1\2\xff", 4));

  regionkv::Region& tokens = store->region("tokens");
  regionkv::RegionConfig config;
  config.expire_time = 1h;
  config.lock_timeout = 30min;
  config.no_expiry_keys = {"token-42"};
  tokens.configure(config);
  for (int i = 0; i < 2000; ++i)
    tokens.set("token-" + std::to_string(i), "value-" + std::to_string(i) + std::string(40, '.'));
  for (int i = 0; i < 5; ++i) tokens.get_lock("released-" + std::to_string(i)).release();
  // Held when the store closes: its record stays, with token 6.
  auto* held = new regionkv::Lock(tokens.get_lock("token-100"));
  (void)held;

  // Everything so far into table files written with the old table options;
  // what follows stays in the write-ahead log.
  auto& db = store->engine().db();
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (const auto& name : store->region_names())
    families.push_back(store->engine().column_family(name));
  families.push_back(db.DefaultColumnFamily());
  const rocksdb::Status flushed = db.Flush(rocksdb::FlushOptions(), families);
  if (!flushed.ok()) {
    std::cerr << "flush failed: " << flushed.ToString() << "\n";
    return 1;
  }
  for (int i = 0; i < 10; ++i) tokens.erase("token-" + std::to_string(i));
  for (int i = 0; i < 100; ++i) tokens.set("late-" + std::to_string(i), "late value " + std::to_string(i));
  std::cout << "store written at " << plain.get("generated_at_ms") << " ms\n";
  return 0;
}
