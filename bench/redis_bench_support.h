// What the Redis benchmarks share (redis_benchmark.cc, the lock against its
// floor and peer; redis_design_benchmark.cc, other designs of the lock): the
// server, the lease, redis-py's release script, and a raw hiredis client.
#ifndef REGIONKV_BENCH_REDIS_BENCH_SUPPORT_H_
#define REGIONKV_BENCH_REDIS_BENCH_SUPPORT_H_

#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench/lock_bench_support.h"
#include "region/backends/redis/connection.h"
#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_options.h"
#include "region/backends/redis/reply.h"
#include "tests/support/redis_server.h"

namespace regionkv::bench {

inline constexpr std::chrono::milliseconds kLease{6000};  // lock_timeout 5 s + 1 s
inline constexpr const char* kLeaseMs = "6000";

// redis-py 4.3's Lock.LUA_RELEASE_SCRIPT, byte for byte
// (/usr/lib/python3/dist-packages/redis/lock.py).
inline constexpr const char* kRedisPyReleaseScript = R"(
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        redis.call('del', KEYS[1])
        return 1
    )";

// Started on the main thread by the first Setup (the server dies with the
// thread that started it) and kept for the whole run.
inline std::string server_url() {
  static std::optional<testing::RedisServer> own_server;
  if (const char* url = std::getenv("REGIONKV_REDIS_URL"); url && *url) return url;
  if (!own_server) own_server.emplace();
  return own_server->url();
}

inline redis::RedisOptions bench_options() {
  return redis::parse_redis_options({{"url", server_url()}});
}

// A region name of its own per run: no records left from an earlier one.
inline std::string fresh_region_name() {
  return "bench-" + xxh3_mangle_key(std::to_string(
                        std::chrono::steady_clock::now().time_since_epoch().count()));
}

// Set by resolve_server, the Setup of every raw-hiredis benchmark.
inline redis::ConnectionSettings raw_settings;
inline std::string raw_region;

inline void resolve_server(const benchmark::State&) {
  raw_settings = redis::connection_settings(bench_options());
  raw_region = fresh_region_name();
}

// One connection per thread, set up as the store sets up its own (timeouts,
// AUTH, SELECT), then driven by hiredis alone.
class RawClient {
 public:
  RawClient() {
    const redis::RedisOptions options = bench_options();
    context_ = redisConnectWithTimeout(options.server.host.c_str(), options.server.port,
                                       to_timeval(raw_settings.connect_timeout));
    if (context_ == nullptr || context_->err != 0) throw std::runtime_error("cannot connect");
    redisSetTimeout(context_, to_timeval(raw_settings.io_timeout));
    if (!raw_settings.credentials.password.empty()) {
      if (raw_settings.credentials.user.empty()) {
        run({"AUTH", raw_settings.credentials.password});
      } else {
        run({"AUTH", raw_settings.credentials.user, raw_settings.credentials.password});
      }
    }
    if (raw_settings.database != 0) run({"SELECT", std::to_string(raw_settings.database)});
  }
  ~RawClient() { redisFree(context_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends one command and reads its reply, as redisCommandArgv does. Throws
  // on a failure to reach the server or an error answer.
  redis::Reply run(std::initializer_list<std::string_view> args) {
    send(args);
    redis::Reply reply = receive();
    if (reply->type == REDIS_REPLY_ERROR) throw std::runtime_error(reply->str);
    return reply;
  }

  // Pipelining: send() queues a command (at most 8 arguments), flush()
  // writes every queued one out, receive() reads the next reply (flushing
  // first).
  void send(std::initializer_list<std::string_view> args) {
    if (args.size() > 8) throw std::invalid_argument("RawClient: more than 8 arguments");
    const char* argv[8];
    std::size_t lengths[8];
    int argc = 0;
    for (const std::string_view arg : args) {
      argv[argc] = arg.data();
      lengths[argc++] = arg.size();
    }
    if (redisAppendCommandArgv(context_, argc, argv, lengths) != REDIS_OK)
      throw std::runtime_error(std::string("redis: ") + context_->errstr);
  }
  void flush() {
    int done = 0;
    while (done == 0)
      if (redisBufferWrite(context_, &done) != REDIS_OK)
        throw std::runtime_error(std::string("redis: ") + context_->errstr);
  }
  redis::Reply receive() {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr)
      throw std::runtime_error(std::string("redis: ") + context_->errstr);
    return redis::Reply(static_cast<redisReply*>(reply));
  }
  // SCRIPT LOAD: the script's SHA1.
  std::string load(std::string_view script) {
    const redis::Reply loaded = run({"SCRIPT", "LOAD", script});
    return std::string(loaded->str, loaded->len);
  }

 private:
  static timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000),
                   static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
  }

  redisContext* context_;
};

// As long as the key our acquire script writes.
inline std::string raw_key(const benchmark::State& state, bool contended) {
  return redis::KeyLayout(raw_region, false)
      .redis_key(lock_record_key(bench_key(state, contended)));
}

}  // namespace regionkv::bench

#endif  // REGIONKV_BENCH_REDIS_BENCH_SUPPORT_H_
