// Where a region's reserved fencing-token bound is kept in the store's
// metadata (docs/format.md): this key in the default column family, its
// value the bound as 8 bytes little-endian. The rocksdb store reserves its
// tokens against it (region/backends/rocksdb_backend.cc); a repair raises it
// (engine/repair.cc).
#ifndef REGIONKV_ENGINE_FENCING_RESERVATION_H_
#define REGIONKV_ENGINE_FENCING_RESERVATION_H_

#include <string>
#include <string_view>

namespace regionkv::engine {

inline std::string fencing_reservation_key(std::string_view region) {
  return "fencing_token_reserved/" + std::string(region);
}

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_FENCING_RESERVATION_H_
