// The seed's test fixtures (keystone/tests/test_kvs.py) in C++: a custom
// backend with its own argument and key mangler, one that forces its
// mangler, and two proxies that do nothing. Registered by
// register_seed_fixtures(), idempotently.
#ifndef REGIONKV_TESTS_SUPPORT_SEED_FIXTURES_H_
#define REGIONKV_TESTS_SUPPORT_SEED_FIXTURES_H_

#include <memory>
#include <optional>
#include <string>

#include "regionkv/regionkv.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {

// Seed: KVSBackendFixture(inmemdb.MemoryBackend).
class KVSBackendFixture : public MemoryBackend {
 public:
  explicit KVSBackendFixture(const RegionConfig& config);
  KeyMangler native_key_mangler() const override;

  std::optional<std::string> test_arg;
};

// Seed: KVSBackendForcedKeyMangleFixture(KVSBackendFixture).
class KVSBackendForcedKeyMangleFixture : public KVSBackendFixture {
 public:
  using KVSBackendFixture::KVSBackendFixture;
  KeyMangler native_key_mangler() const override;
  bool use_backend_key_mangler() const override { return true; }
};

// Seed: RegionProxyFixture and RegionProxy2Fixture, proxies that do nothing.
class RegionProxyFixture : public ProxyBackend {};
class RegionProxy2Fixture : public ProxyBackend {};

inline constexpr const char* kBackendFixture = "kvs_backend_fixture";
inline constexpr const char* kForcedBackendFixture =
    "kvs_backend_forced_key_mangle_fixture";
inline constexpr const char* kProxyFixture = "region_proxy_fixture";
inline constexpr const char* kProxy2Fixture = "region_proxy2_fixture";

void register_seed_fixtures();

// A store in a fresh temporary directory, with a manual clock.
struct StoreFixture {
  explicit StoreFixture(StoreOptions options = {});
  Region& region(const std::string& name = random_hex()) {
    return store->region(name);
  }

  TempDir dir;
  std::shared_ptr<ManualTimeSource> clock;
  std::unique_ptr<Store> store;
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_SEED_FIXTURES_H_
