// A hiredis reply built from RESP text, as a server would send it: unit
// tests of reply parsing need no server.
#ifndef REGIONKV_TESTS_REDIS_RESP_REPLY_H_
#define REGIONKV_TESTS_REDIS_RESP_REPLY_H_

#include <hiredis/hiredis.h>

#include <stdexcept>
#include <string_view>

#include "region/backends/redis/reply.h"

namespace regionkv::redis {

inline Reply reply_from_resp(std::string_view resp) {
  redisReader* reader = redisReaderCreate();
  void* reply = nullptr;
  redisReaderFeed(reader, resp.data(), resp.size());
  const int status = redisReaderGetReply(reader, &reply);
  redisReaderFree(reader);
  if (status != REDIS_OK || reply == nullptr) throw std::invalid_argument("incomplete RESP");
  return Reply(static_cast<redisReply*>(reply));
}

}  // namespace regionkv::redis

#endif  // REGIONKV_TESTS_REDIS_RESP_REPLY_H_
