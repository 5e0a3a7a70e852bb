// MemcachedBackend: construction, limits and the value calls. The lock calls
// live in memcached_lock_ops.cc.
#include <limits>
#include <map>
#include <stdexcept>

#include "lock/lease_record.h"
#include "region/backends/backend_args.h"
#include "region/backends/memcached/driver_registry.h"
#include "region/backends/memcached/memcached_expiry.h"
#include "region/backends/memcached/memcached_locks.h"
#include "region/backends/memcached/on_servers.h"
#include "regionkv/key_mangler.h"
#include "regionkv/memcached.h"
#include "regionkv/printable.h"

namespace regionkv {
namespace {

// What a server run with the default item size (-I 1m) stores: 1 MiB less
// room for the item header, the key and the CAS unique.
constexpr std::size_t kDefaultMaxValueSize = (std::size_t{1} << 20) - 1024;
// Room the region needs in a key besides the stored key: the lock prefix.
constexpr std::size_t kSmallestUsefulKey = 32 + lock::kLockKeyPrefix.size();

std::string region_key_prefix(std::string_view region_name) {
  if (region_name.empty()) return {};
  // A hash, not the name: names may hold bytes the ASCII protocol cannot
  // carry and may be 200 bytes long, a key only 250.
  return xxh3_mangle_key(region_name).substr(0, 16) + ":";
}

std::size_t read_max_value_size(const std::map<std::string, std::string>& args) {
  const auto size = backend_args::integer("memcached", args, "max_value_size", 1,
                                          std::numeric_limits<std::int64_t>::max());
  return size ? static_cast<std::size_t>(*size) : kDefaultMaxValueSize;
}

bool carried_by_ascii(unsigned char c) { return c > 0x20 && c != 0x7f; }

}  // namespace

MemcachedBackend::MemcachedBackend(const RegionConfig& config, std::string_view region_name)
    : region_name_(region_name),
      key_prefix_(region_key_prefix(region_name)),
      driver_(memcached::make_driver(config)),
      max_value_size_(read_max_value_size(config.backend_args)) {
  const std::size_t driver_limit = driver_->max_key_size();
  if (driver_limit < key_prefix_.size() + kSmallestUsefulKey)
    throw std::invalid_argument("memcached: the driver's key limit of " +
                                std::to_string(driver_limit) + " bytes is too small");
  max_key_size_ = driver_limit - key_prefix_.size();
  locks_ = std::make_unique<Locks>(*this);
}

MemcachedBackend::~MemcachedBackend() = default;

MemcachedExpiry MemcachedBackend::expiry_for(ExpiresAt expires_at) const {
  return memcached::to_memcached_expiry(expires_at, now());
}

std::string MemcachedBackend::wire_key(std::string_view key) const {
  std::string wire;
  wire.reserve(key_prefix_.size() + key.size());
  wire.append(key_prefix_).append(key);
  return wire;
}

void MemcachedBackend::check_key(std::string_view key) const {
  if (key.empty()) throw std::invalid_argument("memcached: empty key");
  if (key.size() > max_key_size_)
    throw std::invalid_argument("memcached: key '" + printable(key) + "' of " +
                                std::to_string(key.size()) + " bytes is over the limit of " +
                                std::to_string(max_key_size_));
  if (driver_->accepts_any_key_bytes()) return;
  for (const char c : key) {
    if (!carried_by_ascii(static_cast<unsigned char>(c)))
      throw std::invalid_argument(
          "memcached: key '" + printable(key) +
          "' holds a space or control byte, which the ASCII protocol cannot carry "
          "(enable key mangling or set backend_args protocol=binary)");
  }
}

void MemcachedBackend::check_value(std::string_view key, std::string_view value) const {
  if (value.size() > max_value_size_)
    throw std::invalid_argument("memcached: value of " + std::to_string(value.size()) +
                                " bytes for key '" + printable(key) +
                                "' is over the limit of " + std::to_string(max_value_size_));
}

std::optional<std::string> MemcachedBackend::get(std::string_view key) {
  check_key(key);
  return on_servers([&]() -> std::optional<std::string> {
    auto item = driver_->get(wire_key(key));
    if (!item) return std::nullopt;
    return std::move(item->value);
  });
}

void MemcachedBackend::set(std::string_view key, std::string_view value, ExpiresAt expires_at) {
  check_key(key);
  check_value(key, value);
  on_servers([&] { driver_->set(wire_key(key), value, expiry_for(expires_at)); });
}

bool MemcachedBackend::erase(std::string_view key) {
  check_key(key);
  return on_servers([&] { return driver_->erase(wire_key(key)); });
}

std::vector<std::optional<std::string>> MemcachedBackend::get_multi(
    const std::vector<std::string>& keys) {
  std::vector<std::string> wire;
  wire.reserve(keys.size());
  for (const auto& key : keys) {
    check_key(key);
    wire.push_back(wire_key(key));
  }
  return on_servers([&] { return driver_->get_multi(wire); });
}

void MemcachedBackend::set_multi(const std::vector<WriteItem>& items) {
  // One driver call per distinct expiry, as the seed's set_multi passes one
  // set of arguments for every item.
  std::map<MemcachedExpiry, std::vector<std::pair<std::string, std::string>>> by_expiry;
  for (const auto& item : items) {
    check_key(item.key);
    check_value(item.key, item.value);
    by_expiry[expiry_for(item.expires_at)].emplace_back(wire_key(item.key), item.value);
  }
  on_servers([&] {
    for (const auto& [expiry, group] : by_expiry) driver_->set_multi(group, expiry);
  });
}

void MemcachedBackend::erase_multi(const std::vector<std::string>& keys) {
  for (const auto& key : keys) check_key(key);
  on_servers([&] {
    for (const auto& key : keys) driver_->erase(wire_key(key));
  });
}

}  // namespace regionkv
