// Internal side of the registries: factories that also see the Store, as the
// built-in "rocksdb" store needs its engine.
#ifndef REGIONKV_REGION_BACKEND_REGISTRY_H_
#define REGIONKV_REGION_BACKEND_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>

#include "regionkv/registry.h"
#include "regionkv/store.h"

namespace regionkv::registry {

struct BackendContext {
  const RegionConfig& config;
  const std::string& region_name;
  Store& store;
};
using ContextBackendFactory =
    std::function<std::unique_ptr<Backend>(const BackendContext&)>;

void register_builtin_backend(const std::string& name,
                              ContextBackendFactory factory);

// Build the named backing store or proxy; std::invalid_argument listing the
// valid names if the name is unknown.
std::unique_ptr<Backend> make_backend(const BackendContext& context);
std::unique_ptr<ProxyBackend> make_proxy(const std::string& name,
                                         const RegionConfig& config);

}  // namespace regionkv::registry

#endif  // REGIONKV_REGION_BACKEND_REGISTRY_H_
