#include "tests/support/values_only_store.h"

namespace regionkv::testing {

std::optional<std::string> ValuesOnlyStore::get(std::string_view key) {
  std::lock_guard guard(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (!is_live(it->second.second, now()) && !is_no_expiry_key(key)) return std::nullopt;
  return it->second.first;
}

void ValuesOnlyStore::set(std::string_view key, std::string_view value, ExpiresAt expires_at) {
  std::lock_guard guard(mutex_);
  entries_.insert_or_assign(std::string(key), std::pair(std::string(value), expires_at));
}

bool ValuesOnlyStore::erase(std::string_view key) {
  std::lock_guard guard(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  const bool was_live = is_live(it->second.second, now()) || is_no_expiry_key(key);
  entries_.erase(it);
  return was_live;
}

std::optional<std::string> ValuesOnlyStore::stored_bytes(std::string_view key) {
  std::lock_guard guard(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.first;
}

void register_values_only_store() {
  register_backend(kValuesOnlyStore,
                   [](const RegionConfig&) { return std::make_unique<ValuesOnlyStore>(); });
}

}  // namespace regionkv::testing
