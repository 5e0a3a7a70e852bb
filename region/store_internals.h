// What the library itself reaches inside a Store, and no user does: the
// RocksDB engine behind it, if any (for the built-in "rocksdb" store and for tests
// that look at the bytes on disk).
#ifndef REGIONKV_REGION_STORE_INTERNALS_H_
#define REGIONKV_REGION_STORE_INTERNALS_H_

#include <string_view>

#include "engine/engine.h"
#include "regionkv/store.h"

namespace regionkv {

struct StoreInternals {
  // REQUIRES: the store has an engine (it was opened with Store::open).
  static engine::Engine& engine(Store& store);
  // Null for a store from Store::open_remote(), which has none.
  static engine::Engine* find_engine(Store& store);
  // Throws StorageError "<what>: ..." in a child forked after the store
  // opened (common/fork_guard.h).
  static void refuse_if_forked(const Store& store, std::string_view what);
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_STORE_INTERNALS_H_
