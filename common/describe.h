// How messages name what they are about.
#ifndef REGIONKV_COMMON_DESCRIBE_H_
#define REGIONKV_COMMON_DESCRIBE_H_

#include <string>
#include <string_view>

#include "regionkv/printable.h"

namespace regionkv::common {

// "region 'tokens', key 'user-42'", the key made printable.
inline std::string describe_key(std::string_view region_name, std::string_view raw_key) {
  return "region '" + std::string(region_name) + "', key '" + printable(raw_key) + "'";
}

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_DESCRIBE_H_
