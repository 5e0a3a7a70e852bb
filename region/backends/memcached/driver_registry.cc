#include "region/backends/memcached/driver_registry.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include "region/backends/memcached/libmemcached_driver.h"

namespace regionkv {
namespace {

struct Drivers {
  std::mutex mutex;
  std::map<std::string, MemcachedDriverFactory> factories;  // guarded by mutex
};

Drivers& drivers() {
  static Drivers* instance = [] {
    auto* d = new Drivers();  // never destroyed: used until exit
    d->factories[memcached::kLibmemcachedDriverName] = memcached::make_libmemcached_driver;
    return d;
  }();
  return *instance;
}

}  // namespace

void register_memcached_driver(const std::string& name, MemcachedDriverFactory factory) {
  if (name.empty()) throw std::invalid_argument("a memcached driver name may not be empty");
  if (!factory) throw std::invalid_argument("empty factory for memcached driver '" + name + "'");
  Drivers& d = drivers();
  std::lock_guard lock(d.mutex);
  d.factories[name] = std::move(factory);
}

std::vector<std::string> registered_memcached_drivers() {
  Drivers& d = drivers();
  std::lock_guard lock(d.mutex);
  std::vector<std::string> names;
  for (const auto& [name, factory] : d.factories) names.push_back(name);
  return names;
}

namespace memcached {

std::unique_ptr<MemcachedDriver> make_driver(const RegionConfig& config) {
  const auto arg = config.backend_args.find("memcached_backend");
  const std::string name = arg == config.backend_args.end() ? kLibmemcachedDriverName : arg->second;
  MemcachedDriverFactory factory;
  {
    Drivers& d = drivers();
    std::lock_guard lock(d.mutex);
    const auto it = d.factories.find(name);
    if (it == d.factories.end()) {
      std::string valid;
      for (const auto& [known, unused] : d.factories) valid += (valid.empty() ? "" : ", ") + known;
      throw std::invalid_argument("unknown memcached driver '" + name + "'; valid names: " + valid);
    }
    factory = it->second;
  }
  auto driver = factory(config);  // outside the lock: factories may be slow
  if (!driver)
    throw std::invalid_argument("memcached driver '" + name + "' factory returned no driver");
  return driver;
}

}  // namespace memcached
}  // namespace regionkv
