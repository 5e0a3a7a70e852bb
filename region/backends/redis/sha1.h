// SHA-1, for naming Lua scripts as Redis does (EVALSHA takes the SHA-1 of a
// script's text): a script's name is known before any server has seen it,
// so the first call is an EVALSHA like every other. Not for security.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_SHA1_H_
#define REGIONKV_REGION_BACKENDS_REDIS_SHA1_H_

#include <string>
#include <string_view>

namespace regionkv::redis {

// 40 lowercase hex digits, as SCRIPT LOAD answers.
std::string sha1_hex(std::string_view bytes);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_SHA1_H_
