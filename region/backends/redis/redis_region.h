// What a region on Redis is made of, shared by RedisBackend's value calls
// and its LockBackend (redis_locks.h): the client (shared by every region
// with the same connection options: shared_clients.h), the key layout, the
// value calls, the limits, and how errors name the region.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REDIS_REGION_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REDIS_REGION_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/redis_options.h"
#include "region/backends/redis/region_values.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"
#include "regionkv/region_config.h"

namespace regionkv::redis {

// The longest Redis key the store writes: the region's prefix, the bucket
// tag and the stored key (or lock key) together.
inline constexpr std::size_t kLongestRedisKey = std::size_t{64} << 10;

// Thread-safe; immutable after construction.
class RedisRegion {
 public:
  // Throws std::invalid_argument for malformed backend_args. Contacts no
  // server.
  RedisRegion(const RegionConfig& config, std::string_view region_name);
  RedisRegion(const RedisRegion&) = delete;
  RedisRegion& operator=(const RedisRegion&) = delete;

  RedisClient& client() const { return *client_; }
  const KeyLayout& layout() const { return layout_; }
  RegionValues& values() { return values_; }

  std::size_t max_value_size() const { return options_.max_value_size; }
  // Stored keys (and so lock keys, 5 bytes longer, which the region allows
  // for) whose Redis key fits kLongestRedisKey.
  std::size_t max_key_size() const { return max_key_size_; }

  // std::invalid_argument for an empty key or one over max_key_size().
  void check_key(std::string_view key) const;
  // std::invalid_argument for a value over max_value_size().
  void check_value(std::string_view key, std::string_view value) const;

  // Runs `call`, adding the region's name to a StorageError or Corruption
  // (the client names the server, the command and the Redis key).
  template <typename Call>
  auto on_servers(Call&& call) const -> decltype(call()) {
    try {
      return call();
    } catch (const StorageError& error) {
      throw StorageError(with_region(error.what()));
    } catch (const Corruption& error) {
      throw Corruption(with_region(error.what()));
    }
  }

 private:
  std::string with_region(std::string_view what) const;

  const std::string region_name_;
  const RedisOptions options_;
  const std::shared_ptr<RedisClient> client_;
  const KeyLayout layout_;
  const std::size_t max_key_size_;
  RegionValues values_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REDIS_REGION_H_
