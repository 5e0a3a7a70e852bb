// The rocksdb store's no-expiry keys: the backend's own set (what reads use)
// and the engine's copy (what the sweeper and the compaction filter spare)
// change together, the engine's copy never missing a key the reads spare.
#include <mutex>

#include "region/backends/rocksdb_backend.h"

namespace regionkv {
namespace {

engine::NoExpiryKeys::KeySet hash_keys(const std::set<std::string>& raw,
                                       const KeyMangler& mangler) {
  engine::NoExpiryKeys::KeySet hashed;
  for (const auto& key : raw) hashed.insert(mangler ? mangler(key) : key);
  return hashed;
}

}  // namespace

void RocksDBBackend::set_key_mangler(KeyMangler mangler) {
  std::lock_guard serial(no_expiry_change_mutex_);
  // Until the region hands over its no-expiry keys (configure sets the
  // mangler first), this backend spares nothing, and the engine's copy (the
  // set persisted by the last process, if any) must stay in force: replacing
  // it by the empty set would let a sweep remove what the coming set spares.
  if (!no_expiry_keys_set_) return Backend::set_key_mangler(std::move(mangler));
  engine_.no_expiry_keys(region_name_)
      .replace(hash_keys(raw_no_expiry_keys(), mangler),
               [&] { Backend::set_key_mangler(std::move(mangler)); });
}

void RocksDBBackend::set_no_expiry_keys(std::set<std::string> raw_keys) {
  std::lock_guard serial(no_expiry_change_mutex_);
  engine_.no_expiry_keys(region_name_).replace(hash_keys(raw_keys, key_mangler()), [&] {
    Backend::set_no_expiry_keys(std::move(raw_keys));
  });
  no_expiry_keys_set_ = true;
}

}  // namespace regionkv
