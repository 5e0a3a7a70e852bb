// The seed's TestMemcacheDriver and its test_client: a memcached driver kept
// in memory that records the arguments of the last set or set_multi call.
// Time does not pass for it: nothing expires.
#ifndef REGIONKV_TESTS_MEMCACHED_RECORDING_MEMCACHED_DRIVER_H_
#define REGIONKV_TESTS_MEMCACHED_RECORDING_MEMCACHED_DRIVER_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "regionkv/memcached.h"

namespace regionkv::testing {

inline constexpr const char* kRecordingDriver = "TestDriver";

class RecordingMemcachedDriver : public MemcachedDriver {
 public:
  // backend_args["ascii_keys"] == "true": refuse keys the ASCII protocol
  // cannot carry, as the libmemcached driver does by default.
  explicit RecordingMemcachedDriver(const RegionConfig& config);

  // Registers the driver as "TestDriver" (idempotent).
  static void register_driver();

  // Seed: test_client.set_arguments_passed, {"time": expiry} or {} for none.
  std::map<std::string, std::int64_t> set_arguments_passed() const;
  // Seed: test_client.keys_values, the items of the last set or set_multi.
  std::map<std::string, std::string> keys_values() const;
  // Every item held, by wire key.
  std::map<std::string, std::string> items() const;
  // Calls that wrote an item (set, set_multi items, add, cas), in total.
  int writes() const;
  // Replaces an item behind the backend's back (a CAS-changing write).
  void overwrite(const std::string& key, const std::string& value);

  std::optional<MemcachedItem> get(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(const std::vector<std::string>& keys) override;
  void set(std::string_view key, std::string_view value, MemcachedExpiry expiry) override;
  void set_multi(const std::vector<std::pair<std::string, std::string>>& items,
                 MemcachedExpiry expiry) override;
  bool add(std::string_view key, std::string_view value, MemcachedExpiry expiry) override;
  CasResult cas_erase(std::string_view key, std::uint64_t cas) override;
  bool erase(std::string_view key) override;
  std::uint64_t increment(std::string_view key, std::uint64_t delta,
                          std::uint64_t initial) override;
  bool accepts_any_key_bytes() const override { return !ascii_keys_; }

 private:
  struct Item {
    std::string value;
    std::uint64_t cas = 0;
  };
  void store_locked(std::string_view key, std::string_view value);
  void record_locked(std::map<std::string, std::string> items, MemcachedExpiry expiry);

  const bool ascii_keys_;
  mutable std::mutex mutex_;
  std::map<std::string, Item, std::less<>> items_;       // guarded by mutex_
  std::uint64_t next_cas_ = 1;                           // guarded by mutex_
  std::map<std::string, std::int64_t> set_arguments_;    // guarded by mutex_
  std::map<std::string, std::string> last_keys_values_;  // guarded by mutex_
  int writes_ = 0;                                       // guarded by mutex_
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_MEMCACHED_RECORDING_MEMCACHED_DRIVER_H_
