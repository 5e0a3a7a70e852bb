// What a Redis Cluster says about itself: which master serves each slot
// (CLUSTER SLOTS), and where a node redirects a command it does not serve
// (-MOVED, -ASK).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_CLUSTER_TOPOLOGY_H_
#define REGIONKV_REGION_BACKENDS_REDIS_CLUSTER_TOPOLOGY_H_

#include <hiredis/hiredis.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "region/backends/redis/key_slot.h"
#include "region/backends/redis/redis_options.h"

namespace regionkv::redis {

// The master of each slot. A value type; not thread-safe.
class SlotMap {
 public:
  // Reads a CLUSTER SLOTS reply from `answered_by`, whose host stands in for
  // a node announced without one. Throws StorageError naming `answered_by`
  // if the reply is not one.
  static SlotMap from_cluster_slots(const redisReply& reply, const ServerAddress& answered_by);

  // nullptr: no master serves the slot.
  const ServerAddress* master_of(std::uint16_t slot) const;
  // After a -MOVED: `slot` now lives on `master`.
  void assign(std::uint16_t slot, const ServerAddress& master);
  // Every master serving at least one slot.
  std::vector<ServerAddress> masters() const;

 private:
  static constexpr std::uint16_t kNoMaster = 0xFFFF;
  std::uint16_t index_of(const ServerAddress& master);

  std::vector<ServerAddress> nodes_;
  std::array<std::uint16_t, kSlotCount> owner_ = make_unowned();

  static std::array<std::uint16_t, kSlotCount> make_unowned() {
    std::array<std::uint16_t, kSlotCount> owners;
    owners.fill(kNoMaster);
    return owners;
  }
};

struct Redirection {
  enum class Kind { kMoved, kAsk };
  Kind kind;
  std::uint16_t slot;
  ServerAddress target;
};

// The redirection an error reply carries ("MOVED 3999 127.0.0.1:6381",
// "ASK 3999 :6381" -- an empty host is `answered_by`'s), or nullopt if it
// is no redirection.
std::optional<Redirection> redirection_in(const redisReply& reply,
                                          const ServerAddress& answered_by);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_CLUSTER_TOPOLOGY_H_
