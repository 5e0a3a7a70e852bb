// RedisBackend: the Backend a region talks to, over RedisRegion's values and
// RedisLocks. Each call checks its keys and values first, then makes one
// client call (docs/redis.md says which calls are atomic where).
#include "lock/lease_record.h"
#include "region/backends/redis/lock_steps.h"
#include "region/backends/redis/redis_locks.h"
#include "region/backends/redis/redis_region.h"
#include "region/backends/redis/value_expiry.h"
#include "regionkv/redis.h"

namespace regionkv {

RedisBackend::RedisBackend(const RegionConfig& config, std::string_view region_name)
    : region_(std::make_unique<redis::RedisRegion>(config, region_name)),
      locks_(std::make_unique<redis::RedisLocks>(*region_, *this)) {}

RedisBackend::~RedisBackend() = default;

std::optional<std::string> RedisBackend::get(std::string_view key) {
  region_->check_key(key);
  return region_->on_servers([&]() -> std::optional<std::string> {
    // A lock record is a hash (lock_steps.h); read as the lease record
    // bytes every store hands out for a lock key.
    if (!key.starts_with(lock::kLockKeyPrefix)) return region_->values().get(key);
    const auto record = redis::read_lock_record(region_->client(), region_->layout(), key);
    if (!record) return std::nullopt;
    return lock::encode_lease(*record);
  });
}

void RedisBackend::set(std::string_view key, std::string_view value, ExpiresAt expires_at) {
  region_->check_key(key);
  region_->check_value(key, value);
  const redis::TimeToLive ttl = redis::time_to_live(expires_at, now());
  region_->on_servers([&] { region_->values().set(key, value, ttl); });
}

bool RedisBackend::erase(std::string_view key) {
  region_->check_key(key);
  return region_->on_servers([&] { return region_->values().erase(key); });
}

std::vector<std::optional<std::string>> RedisBackend::get_multi(
    const std::vector<std::string>& keys) {
  for (const auto& key : keys) region_->check_key(key);
  return region_->on_servers([&] { return region_->values().get_multi(keys); });
}

void RedisBackend::set_multi(const std::vector<WriteItem>& items) {
  const TimePoint at = now();
  std::vector<redis::ValueWrite> writes;
  writes.reserve(items.size());
  for (const auto& item : items) {
    region_->check_key(item.key);
    region_->check_value(item.key, item.value);
    writes.push_back({item.key, item.value, redis::time_to_live(item.expires_at, at)});
  }
  region_->on_servers([&] { region_->values().set_multi(writes); });
}

void RedisBackend::erase_multi(const std::vector<std::string>& keys) {
  for (const auto& key : keys) region_->check_key(key);
  region_->on_servers([&] { region_->values().erase_multi(keys); });
}

std::size_t RedisBackend::max_value_size() const { return region_->max_value_size(); }

std::size_t RedisBackend::max_key_size() const { return region_->max_key_size(); }

LockBackend* RedisBackend::native_locks() { return locks_.get(); }

const std::string& RedisBackend::key_prefix() const { return region_->layout().region_prefix(); }

std::string RedisBackend::redis_key(std::string_view key) const {
  return region_->layout().redis_key(key);
}

std::string RedisBackend::fencing_counter_key(std::string_view lock_key) const {
  return region_->layout().counter_key(lock_key);
}

std::string RedisBackend::server_of(std::string_view key) const {
  return region_->on_servers(
      [&] { return region_->client().server_for(redis_key(key)).to_string(); });
}

std::vector<ServerStats> RedisBackend::server_stats() const {
  return region_->client().server_stats();
}

bool RedisBackend::cluster_mode() const { return region_->client().cluster_mode(); }

}  // namespace regionkv
