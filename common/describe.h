// How messages name what they are about.
#ifndef REGIONKV_COMMON_DESCRIBE_H_
#define REGIONKV_COMMON_DESCRIBE_H_

#include <string>
#include <string_view>

#include "regionkv/printable.h"

namespace regionkv::common {

// "region 'tokens'": how every message names a region, the name as given (a
// caller passes printable(name) for a name no one has validated).
inline std::string describe_region(std::string_view region_name) {
  return "region '" + std::string(region_name) + "'";
}

// "region 'tokens', key 'user-42'", the key made printable.
inline std::string describe_key(std::string_view region_name, std::string_view raw_key) {
  return describe_region(region_name) + ", key '" + printable(raw_key) + "'";
}

// "redis server 127.0.0.1:6379": a server as messages name it, `kind` the
// store. The address comes from configuration, so it is cut as printable()
// cuts (a mistaken url may be a megabyte long).
inline std::string describe_server(std::string_view kind, std::string_view address) {
  return std::string(kind) + " server " + printable(address);
}

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_DESCRIBE_H_
