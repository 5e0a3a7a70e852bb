// A backing store that implements only Backend's three required calls, as a
// user's own store may: its locks are then lock::DefaultLocks', built on
// those calls. Registered as "values_only" by register_values_only_store().
#ifndef REGIONKV_TESTS_SUPPORT_VALUES_ONLY_STORE_H_
#define REGIONKV_TESTS_SUPPORT_VALUES_ONLY_STORE_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "regionkv/regionkv.h"

namespace regionkv::testing {

inline constexpr const char* kValuesOnlyStore = "values_only";

// Thread-safe.
class ValuesOnlyStore : public Backend {
 public:
  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value, ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;

 protected:
  // The bytes stored at `key`, expired or not, without reading the clock.
  std::optional<std::string> stored_bytes(std::string_view key);

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, ExpiresAt>, std::less<>> entries_;  // guarded
};

void register_values_only_store();

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_VALUES_ONLY_STORE_H_
