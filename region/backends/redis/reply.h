// A hiredis reply, freed when it goes out of scope, and what the client
// reads from one.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REPLY_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REPLY_H_

#include <hiredis/hiredis.h>

#include <memory>
#include <string_view>

namespace regionkv::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// The bytes of a string, status or error reply.
inline std::string_view reply_text(const redisReply& reply) {
  return std::string_view(reply.str, reply.len);
}

inline bool is_error(const redisReply& reply) { return reply.type == REDIS_REPLY_ERROR; }

// Whether `reply` is an error whose code (its first word) is `code`, e.g.
// "MOVED", "NOSCRIPT".
inline bool is_error_code(const redisReply& reply, std::string_view code) {
  const std::string_view text = reply_text(reply);
  return is_error(reply) && text.substr(0, code.size()) == code &&
         (text.size() == code.size() || text[code.size()] == ' ');
}

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REPLY_H_
