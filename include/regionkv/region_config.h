// How a region is configured: its backing store, proxies, mangling, locking
// and expiry. Passed once to Region::configure and to backend factories.
#ifndef REGIONKV_REGION_CONFIG_H_
#define REGIONKV_REGION_CONFIG_H_

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "regionkv/key_mangler.h"

namespace regionkv {

struct RegionConfig {
  // "rocksdb" (persistent, the default), "memory", "memcached", "redis", or a
  // name given to register_backend(). Unknown names throw std::invalid_argument.
  std::string backing_store = "rocksdb";

  // Registered proxy names. proxies[0] is outermost: Region::backend()
  // returns it, and its proxied() is proxies[1], and so on down to the store.
  std::vector<std::string> proxies;

  // false: get_lock stores nothing and returns an active lock with token 0.
  bool locking = true;

  // false: keys are stored raw and nothing mangles them; keys starting with
  // "_lock" are then rejected, since lock records use that prefix.
  bool enable_key_mangler = true;

  // Empty: the backend's own mangler if it has one, else xxh3_key_mangler().
  // A backend that forces its own mangler wins over this.
  KeyMangler key_mangler;

  // A lock's lease is lock_timeout + 1 s. 0: locks never expire.
  std::chrono::milliseconds lock_timeout{5000};

  // get_lock attempts before LockUnavailable. Must be at least 1.
  int max_lock_attempts = 15;

  // Values expire this long after they were written. Must be positive.
  std::optional<std::chrono::milliseconds> expire_time;

  // Raw keys exempt from expire_time.
  std::set<std::string> no_expiry_keys;

  // Free-form arguments for the backing store, e.g. memcached's "url" and
  // "memcached_backend", or a custom backend's own.
  std::map<std::string, std::string> backend_args;
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_CONFIG_H_
