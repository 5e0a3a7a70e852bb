#include "region/backends/redis/output_buffer.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <system_error>

// hiredis 0.14's sds.h declares its functions without extern "C", and
// hiredis.h includes it: included first, in C linkage, here.
extern "C" {
#include <hiredis/sds.h>
}
#include <hiredis/hiredis.h>

namespace regionkv::redis {

SendResult send_buffered_output(redisContext& context) {
  const std::size_t pending = sdslen(context.obuf);
  if (pending == 0) return SendResult::kAllSent;
  // sdsrange counts in int.
  const std::size_t chunk = std::min<std::size_t>(pending, INT_MAX);
  const ssize_t sent = ::send(context.fd, context.obuf, chunk, MSG_NOSIGNAL);
  if (sent == -1) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return SendResult::kMore;
    const int error = errno;
    context.err = REDIS_ERR_IO;
    std::snprintf(context.errstr, sizeof(context.errstr), "%s",
                  std::error_code(error, std::generic_category()).message().c_str());
    errno = error;
    return SendResult::kFailed;
  }
  if (static_cast<std::size_t>(sent) < pending) {
    sdsrange(context.obuf, static_cast<int>(sent), -1);
    return SendResult::kMore;
  }
  // A new empty buffer, as hiredis makes, so that a pooled connection does
  // not keep a large request's memory.
  const sds empty = sdsempty();
  if (empty == nullptr) {
    sdsclear(context.obuf);
    return SendResult::kAllSent;
  }
  sdsfree(context.obuf);
  context.obuf = empty;
  return SendResult::kAllSent;
}

}  // namespace regionkv::redis
