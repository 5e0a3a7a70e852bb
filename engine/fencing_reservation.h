// Where a region's reserved fencing-token bound is kept in the store's
// metadata (docs/format.md): this key in the default column family, its
// value the bound as 8 bytes little-endian. The rocksdb store reserves its
// tokens against it (region/backends/rocksdb_backend.cc); a repair and the
// first open of a backup raise it (region/repair.cc, engine/backup.cc).
// DefaultLocks keeps its bound in the same 8 bytes, as a value of the store
// it locks on (region/locking/default_locks.cc).
#ifndef REGIONKV_ENGINE_FENCING_RESERVATION_H_
#define REGIONKV_ENGINE_FENCING_RESERVATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/describe.h"
#include "common/little_endian.h"
#include "regionkv/errors.h"

namespace regionkv::engine {

inline constexpr std::size_t kFencingBoundSize = 8;

inline std::string fencing_reservation_key(std::string_view region) {
  return "fencing_token_reserved/" + std::string(region);
}

// A bound as stored.
inline std::string encode_fencing_bound(std::uint64_t bound) {
  std::string bytes;
  common::append_u64(bytes, bound);
  return bytes;
}

// The bound `stored` holds, or nullopt if it is not one (not 8 bytes long).
inline std::optional<std::uint64_t> decode_fencing_bound(std::string_view stored) {
  if (stored.size() != kFencingBoundSize) return std::nullopt;
  return common::read_u64(stored, 0);
}

// The bound `stored` holds. Throws Corruption naming `region` if it is not
// one: a counter that cannot tell where it stopped must not hand out tokens.
inline std::uint64_t read_fencing_bound(std::string_view region, std::string_view stored) {
  const auto bound = decode_fencing_bound(stored);
  if (!bound)
    throw Corruption(common::describe_region(region) + ": corrupt fencing counter (" +
                     std::to_string(stored.size()) + " bytes)");
  return *bound;
}

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_FENCING_RESERVATION_H_
