#include "tests/support/seed_fixtures.h"

namespace regionkv::testing {

KVSBackendFixture::KVSBackendFixture(const RegionConfig& config) {
  if (auto it = config.backend_args.find("test_arg"); it != config.backend_args.end())
    test_arg = it->second;
}

KeyMangler KVSBackendFixture::native_key_mangler() const {
  return [](std::string_view key) { return "KVSBackend_" + std::string(key); };
}

KeyMangler KVSBackendForcedKeyMangleFixture::native_key_mangler() const {
  return [](std::string_view key) {
    return "KVSBackendForcedKeyMangle_" + std::string(key);
  };
}

void register_seed_fixtures() {
  register_backend(kBackendFixture, [](const RegionConfig& config) {
    return std::make_unique<KVSBackendFixture>(config);
  });
  register_backend(kForcedBackendFixture, [](const RegionConfig& config) {
    return std::make_unique<KVSBackendForcedKeyMangleFixture>(config);
  });
  register_proxy(kProxyFixture, [](const RegionConfig&) {
    return std::make_unique<RegionProxyFixture>();
  });
  register_proxy(kProxy2Fixture, [](const RegionConfig&) {
    return std::make_unique<RegionProxy2Fixture>();
  });
}

StoreFixture::StoreFixture(StoreOptions options)
    : clock(std::make_shared<ManualTimeSource>(
          std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 50)))) {
  if (!options.time_source) options.time_source = clock;
  store = Store::open(dir.sub("store"), std::move(options));
}

}  // namespace regionkv::testing
