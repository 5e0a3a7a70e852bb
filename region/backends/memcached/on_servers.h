// MemcachedBackend::on_servers, shared by the backend's value and lock calls.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_ON_SERVERS_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_ON_SERVERS_H_

#include <string>

#include "common/describe.h"
#include "regionkv/errors.h"
#include "regionkv/memcached.h"
#include "regionkv/printable.h"

namespace regionkv {

// The driver names the server and key; the region's name is added here.
template <typename Call>
auto MemcachedBackend::on_servers(Call&& call) const -> decltype(call()) {
  try {
    return call();
  } catch (const StorageError& error) {
    if (region_name_.empty()) throw;
    throw StorageError(common::describe_region(printable(region_name_)) + ": " + error.what());
  }
}

}  // namespace regionkv

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_ON_SERVERS_H_
