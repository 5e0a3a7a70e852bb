// Sends what hiredis has buffered for a connection's socket, never raising
// SIGPIPE.
//
// hiredis 0.14's redisBufferWrite writes with write(2). A write after the
// server reset the connection (Redis at maxclients, CLIENT KILL, a restart
// mid-request) then raises SIGPIPE, whose default action ends the whole
// program, instead of failing with EPIPE. This does what redisBufferWrite
// does, with send(MSG_NOSIGNAL).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_OUTPUT_BUFFER_H_
#define REGIONKV_REGION_BACKENDS_REDIS_OUTPUT_BUFFER_H_

struct redisContext;

namespace regionkv::redis {

enum class SendResult {
  kAllSent,  // the buffer is empty (and its memory given back)
  kMore,     // the socket took what it could: wait until it is writable
  kFailed,   // errno says why; the context holds the error, as hiredis would
};

// One send of `context`'s buffered output, on a non-blocking socket.
SendResult send_buffered_output(redisContext& context);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_OUTPUT_BUFFER_H_
