#include "region/backends/redis/redis_region.h"

#include <stdexcept>

#include "common/describe.h"
#include "region/backends/redis/shared_clients.h"

namespace regionkv::redis {
namespace {

// The bucket tag and its separator: "{1023}:" at the longest.
constexpr std::size_t kLongestTag = 7;

std::size_t max_key_size_for(const KeyLayout& layout, std::string_view region_name) {
  const std::size_t taken = layout.region_prefix().size() + kLongestTag;
  // A region name is at most 200 bytes, 600 escaped: room is always left.
  if (taken >= kLongestRedisKey)
    throw std::invalid_argument("redis: region name '" + printable(region_name) +
                                "' leaves no room for keys");
  return kLongestRedisKey - taken;
}

}  // namespace

RedisRegion::RedisRegion(const RegionConfig& config, std::string_view region_name)
    : region_name_(region_name),
      options_(parse_redis_options(config.backend_args)),
      client_(shared_client(options_)),
      layout_(region_name, options_.cluster_mode()),
      max_key_size_(max_key_size_for(layout_, region_name)),
      values_(*client_, layout_) {}

void RedisRegion::check_key(std::string_view key) const {
  if (key.empty()) throw std::invalid_argument("redis: empty key");
  if (key.size() > max_key_size_)
    throw std::invalid_argument("redis: key '" + printable(key) + "' of " +
                                std::to_string(key.size()) + " bytes is over the limit of " +
                                std::to_string(max_key_size_));
}

void RedisRegion::check_value(std::string_view key, std::string_view value) const {
  if (value.size() > options_.max_value_size)
    throw std::invalid_argument("redis: value of " + std::to_string(value.size()) +
                                " bytes for key '" + printable(key) + "' is over the limit of " +
                                std::to_string(options_.max_value_size) + " (max_value_size)");
}

std::string RedisRegion::with_region(std::string_view what) const {
  if (region_name_.empty()) return std::string(what);
  return common::describe_region(printable(region_name_)) + ": " + std::string(what);
}

}  // namespace regionkv::redis
