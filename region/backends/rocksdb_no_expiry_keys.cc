// The rocksdb store's no-expiry keys: the region context's set (what reads
// use) and the engine's copy (what the sweeper and the compaction filter
// spare) change together, the engine's copy never missing a key the reads
// spare (engine/no_expiry_keys.h).
#include "region/backends/rocksdb_backend.h"

namespace regionkv {

void RocksDBBackend::change_no_expiry_keys(const std::set<std::string>& hashed,
                                           const std::function<void()>& switch_reads) {
  engine_.no_expiry_keys(region_name_)
      .replace(engine::NoExpiryKeys::KeySet(hashed.begin(), hashed.end()), switch_reads);
}

}  // namespace regionkv
