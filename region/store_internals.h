// What the library itself reaches inside a Store, and no user does: the
// RocksDB engine behind it (for the built-in "rocksdb" store and for tests
// that look at the bytes on disk).
#ifndef REGIONKV_REGION_STORE_INTERNALS_H_
#define REGIONKV_REGION_STORE_INTERNALS_H_

#include "engine/engine.h"
#include "regionkv/store.h"

namespace regionkv {

struct StoreInternals {
  static engine::Engine& engine(Store& store);
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_STORE_INTERNALS_H_
