#include <map>
#include <mutex>
#include <stdexcept>

#include "common/describe.h"
#include "region/backend_registry.h"
#include "region/backends/rocksdb_backend.h"
#include "region/store_internals.h"
#include "regionkv/errors.h"
#include "regionkv/memcached.h"
#include "regionkv/memory_backend.h"
#include "regionkv/redis.h"

namespace regionkv {
namespace {

struct Registries {
  std::mutex mutex;
  std::map<std::string, registry::ContextBackendFactory> backends;  // guarded
  std::map<std::string, ProxyFactory> proxies;                      // guarded
};

Registries& registries() {
  static Registries* instance = [] {
    auto* r = new Registries();  // never destroyed: used until exit
    r->backends["memcached"] = [](const registry::BackendContext& context) {
      // Keys are prefixed per region, so regions sharing servers stay apart.
      return std::make_unique<MemcachedBackend>(context.config, context.region_name);
    };
    r->backends["memory"] = [](const registry::BackendContext& context) {
      return std::make_unique<MemoryBackend>(context.config);
    };
    r->backends["redis"] = [](const registry::BackendContext& context) {
      // Keys are prefixed per region ("rkv:<name>:"), as for memcached.
      return std::make_unique<RedisBackend>(context.config, context.region_name);
    };
    r->backends["rocksdb"] = [](const registry::BackendContext& context) {
      engine::Engine* engine = StoreInternals::find_engine(context.store);
      if (engine == nullptr)
        throw ConfigError(common::describe_region(context.region_name) +
                          ": the rocksdb backing store needs a store directory, and this store "
                          "has none (Store::open_remote); configure the region on redis, "
                          "memcached or memory, or open the store with Store::open(dir)");
      return std::make_unique<RocksDBBackend>(*engine, context.region_name);
    };
    return r;
  }();
  return *instance;
}

template <typename Map>
std::vector<std::string> names_of(const Map& map) {
  std::vector<std::string> names;
  for (const auto& [name, factory] : map) names.push_back(name);
  return names;
}

template <typename Map>
[[noreturn]] void unknown(const std::string& what, const std::string& name,
                          const Map& map) {
  std::string valid;
  for (const auto& known : names_of(map)) valid += (valid.empty() ? "" : ", ") + known;
  throw std::invalid_argument("unknown " + what + " '" + name +
                              "'; valid names: " + valid);
}

void check_name(const std::string& name) {
  if (name.empty()) throw std::invalid_argument("a registered name may not be empty");
}

}  // namespace

void register_backend(const std::string& name, BackendFactory factory) {
  check_name(name);
  if (!factory) throw std::invalid_argument("empty factory for backend '" + name + "'");
  registry::register_builtin_backend(
      name, [factory = std::move(factory)](const registry::BackendContext& context) {
        return factory(context.config);
      });
}

void register_proxy(const std::string& name, ProxyFactory factory) {
  check_name(name);
  if (!factory) throw std::invalid_argument("empty factory for proxy '" + name + "'");
  Registries& r = registries();
  std::lock_guard lock(r.mutex);
  r.proxies[name] = std::move(factory);
}

std::vector<std::string> registered_backends() {
  Registries& r = registries();
  std::lock_guard lock(r.mutex);
  return names_of(r.backends);
}

std::vector<std::string> registered_proxies() {
  Registries& r = registries();
  std::lock_guard lock(r.mutex);
  return names_of(r.proxies);
}

namespace registry {

void register_builtin_backend(const std::string& name,
                              ContextBackendFactory factory) {
  Registries& r = registries();
  std::lock_guard lock(r.mutex);
  r.backends[name] = std::move(factory);
}

std::unique_ptr<Backend> make_backend(const BackendContext& context) {
  ContextBackendFactory factory;
  {
    Registries& r = registries();
    std::lock_guard lock(r.mutex);
    auto it = r.backends.find(context.config.backing_store);
    if (it == r.backends.end())
      unknown("backing store", context.config.backing_store, r.backends);
    factory = it->second;
  }
  auto backend = factory(context);  // outside the lock: factories may be slow
  if (!backend)
    throw std::invalid_argument("backing store '" + context.config.backing_store +
                                "' factory returned no backend");
  return backend;
}

std::unique_ptr<ProxyBackend> make_proxy(const std::string& name,
                                         const RegionConfig& config) {
  ProxyFactory factory;
  {
    Registries& r = registries();
    std::lock_guard lock(r.mutex);
    auto it = r.proxies.find(name);
    if (it == r.proxies.end()) unknown("proxy", name, r.proxies);
    factory = it->second;
  }
  auto proxy = factory(config);
  if (!proxy)
    throw std::invalid_argument("proxy '" + name + "' factory returned no proxy");
  return proxy;
}

}  // namespace registry
}  // namespace regionkv
