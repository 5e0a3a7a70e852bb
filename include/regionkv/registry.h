// Process-wide registries of backing stores and proxies, by name.
// Thread-safe. Registering a name again replaces its factory; registering
// the built-ins again is harmless.
#ifndef REGIONKV_REGISTRY_H_
#define REGIONKV_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "regionkv/backend.h"
#include "regionkv/region_config.h"

namespace regionkv {

// A factory receives the region's configuration, backend_args included.
using BackendFactory =
    std::function<std::unique_ptr<Backend>(const RegionConfig&)>;
using ProxyFactory =
    std::function<std::unique_ptr<ProxyBackend>(const RegionConfig&)>;

void register_backend(const std::string& name, BackendFactory factory);
void register_proxy(const std::string& name, ProxyFactory factory);

// Sorted names, built-ins included.
std::vector<std::string> registered_backends();
std::vector<std::string> registered_proxies();

}  // namespace regionkv

#endif  // REGIONKV_REGISTRY_H_
