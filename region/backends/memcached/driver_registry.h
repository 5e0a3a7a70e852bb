// Internal side of the memcached driver registry.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_DRIVER_REGISTRY_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_DRIVER_REGISTRY_H_

#include <memory>

#include "regionkv/memcached.h"

namespace regionkv::memcached {

// Builds the driver named by config.backend_args["memcached_backend"]
// (default "libmemcached"). Throws std::invalid_argument naming the unknown
// driver and listing the valid names.
std::unique_ptr<MemcachedDriver> make_driver(const RegionConfig& config);

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_DRIVER_REGISTRY_H_
