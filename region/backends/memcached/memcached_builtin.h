// The built-in "memcached" backing store, as registry.cc registers it.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_BUILTIN_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_BUILTIN_H_

#include <memory>

#include "region/backend_registry.h"

namespace regionkv::memcached {

// A MemcachedBackend whose keys are prefixed per region name.
std::unique_ptr<Backend> make_memcached_backend(const registry::BackendContext& context);

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_MEMCACHED_BUILTIN_H_
