// A region's values on Redis: the storage calls a backend needs, on the keys
// of key_layout.h. Keys here are backend keys (stored, i.e. mangled, keys);
// values are any bytes.
//
// Atomicity: each call is one Redis command or script on one server, so
// set_multi and erase_multi are atomic in standalone mode. In cluster mode a
// multi-key call is split by slot: atomic for the keys of each slot, not as
// a whole (a failure part way leaves the earlier slots' writes done).
// get_multi reads each slot at one instant, not all slots at one instant.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REGION_VALUES_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REGION_VALUES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/value_expiry.h"

namespace regionkv::redis {

struct ValueWrite {
  std::string key;
  std::string value;
  TimeToLive ttl;
};

// Thread-safe. Every call may throw StorageError (a server failed, naming
// it) or Corruption (a key holds a kind of value regionkv never writes).
class RegionValues {
 public:
  // Both must outlive this object.
  RegionValues(RedisClient& client, const KeyLayout& layout) : client_(client), layout_(layout) {}

  std::optional<std::string> get(std::string_view key);
  // `ttl` as value_expiry.h says: nullopt never expires, <= 0 deletes.
  void set(std::string_view key, std::string_view value, const TimeToLive& ttl);
  // Whether a live value was there.
  bool erase(std::string_view key);

  // In key order; nullopt for a miss.
  std::vector<std::optional<std::string>> get_multi(const std::vector<std::string>& keys);
  // Items are written in order (a repeated key: the last one wins).
  void set_multi(const std::vector<ValueWrite>& items);
  void erase_multi(const std::vector<std::string>& keys);

 private:
  using Groups = std::vector<std::vector<std::size_t>>;
  // The indexes of `redis_keys`, grouped by slot (one group in standalone
  // mode), each group in order.
  Groups group_by_slot(const std::vector<std::string>& redis_keys) const;
  // One command per group, make_command(group) (an EVALSHA of `script` if
  // given), pipelined per server; their replies in group order.
  template <typename MakeCommand>
  std::vector<Reply> run_per_slot(const std::vector<std::string>& redis_keys, const Groups& groups,
                                  MakeCommand make_command, const Script* script = nullptr);

  RedisClient& client_;
  const KeyLayout& layout_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REGION_VALUES_H_
