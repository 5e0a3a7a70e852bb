// Lock cycles on Redis, ours and the reference points, on one server with the
// same connection settings (the redis store's defaults, from the URL):
//   BM_Floor_RedisSetNxDel     raw hiredis SET key value NX PX + DEL: the
//                              least a lease-based lock can send
//   BM_Peer_RedisPyLock        what redis-py's Lock sends: SET key token NX
//                              PX, then its compare-and-delete Lua script by
//                              EVALSHA (no fencing tokens, no checked writes)
//   BM_RedisScripts_LockCycle  our acquire and release scripts through the
//                              store's client (region/backends/redis/): the
//                              cost a BM_LockCycle_Redis will build on
// Each is two round trips per cycle. Keys are as long as our lock records'.
//
// The server is REGIONKV_REDIS_URL (redis://...) if set, else a redis-server
// this process starts on a free loopback port (no persistence) and stops at
// exit. docs/benchmarks.md has the numbers and the command.
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench/lock_bench_support.h"
#include "region/backends/redis/connection.h"
#include "region/backends/redis/key_layout.h"
#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/region_locks.h"
#include "tests/support/redis_server.h"

namespace regionkv::bench {
namespace {

constexpr std::chrono::milliseconds kLease{6000};  // lock_timeout 5 s + 1 s
constexpr const char* kLeaseMs = "6000";

// redis-py 4.3's Lock.LUA_RELEASE_SCRIPT, byte for byte
// (/usr/lib/python3/dist-packages/redis/lock.py).
constexpr const char* kRedisPyReleaseScript = R"(
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        redis.call('del', KEYS[1])
        return 1
    )";

// Started on the main thread by the first Setup (the server dies with the
// thread that started it) and kept for the whole run.
std::optional<testing::RedisServer> own_server;

std::string server_url() {
  if (const char* url = std::getenv("REGIONKV_REDIS_URL"); url && *url) return url;
  if (!own_server) own_server.emplace();
  return own_server->url();
}

redis::RedisOptions bench_options() { return redis::parse_redis_options({{"url", server_url()}}); }

// A region name of its own per run: no records left from an earlier one.
std::string fresh_region_name() {
  return "bench-" + xxh3_mangle_key(std::to_string(
                        std::chrono::steady_clock::now().time_since_epoch().count()));
}

// ---- ours ---------------------------------------------------------------------

struct ScriptsBench {
  std::unique_ptr<redis::RedisClient> client;
  std::unique_ptr<redis::KeyLayout> layout;
  std::unique_ptr<redis::RegionLocks> locks;
};
ScriptsBench scripts_bench;

void open_scripts(const benchmark::State&) {
  const redis::RedisOptions options = bench_options();
  scripts_bench.client = std::make_unique<redis::RedisClient>(options);
  scripts_bench.layout =
      std::make_unique<redis::KeyLayout>(fresh_region_name(), options.cluster_mode());
  scripts_bench.locks =
      std::make_unique<redis::RegionLocks>(*scripts_bench.client, *scripts_bench.layout);
}

void close_scripts(const benchmark::State&) {
  scripts_bench.locks.reset();
  scripts_bench.layout.reset();
  scripts_bench.client.reset();
}

void script_cycles(benchmark::State& state, bool contended) {
  redis::RegionLocks& locks = *scripts_bench.locks;
  const std::string lock_key = lock_record_key(bench_key(state, contended));
  for (auto _ : state) {
    std::optional<redis::LockGranted> grant;
    while (!(grant = locks.acquire(lock_key, Clock::now(), kLease).grant))
      std::this_thread::yield();
    locks.release(lock_key, grant->fencing_token);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RedisScripts_LockCycle(benchmark::State& state) { script_cycles(state, false); }
void BM_RedisScripts_LockCycle_Contended(benchmark::State& state) { script_cycles(state, true); }

BENCHMARK(BM_RedisScripts_LockCycle)
    ->Setup(open_scripts)
    ->Teardown(close_scripts)
    ->Apply(one_and_two_threads);
BENCHMARK(BM_RedisScripts_LockCycle_Contended)
    ->Setup(open_scripts)
    ->Teardown(close_scripts)
    ->Apply(one_and_two_threads);

// ---- raw hiredis: the floor and redis-py's lock -----------------------------------

redis::ConnectionSettings raw_settings;
std::string raw_region;

void resolve_server(const benchmark::State&) {
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

  // Throws on a failure to reach the server or an error answer.
  redis::Reply run(std::initializer_list<std::string_view> args) {
    const char* argv[8];
    std::size_t lengths[8];
    int argc = 0;
    for (const std::string_view arg : args) {
      argv[argc] = arg.data();
      lengths[argc++] = arg.size();
    }
    redis::Reply reply(static_cast<redisReply*>(redisCommandArgv(context_, argc, argv, lengths)));
    if (!reply) throw std::runtime_error(std::string("redis: ") + context_->errstr);
    if (reply->type == REDIS_REPLY_ERROR) throw std::runtime_error(reply->str);
    return reply;
  }

 private:
  static timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000),
                   static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
  }

  redisContext* context_;
};

// As long as the key our acquire script writes.
std::string raw_key(const benchmark::State& state, bool contended) {
  return redis::KeyLayout(raw_region, false)
      .redis_key(lock_record_key(bench_key(state, contended)));
}

void set_nx_del_cycles(benchmark::State& state, bool contended) {
  RawClient client;
  const std::string key = raw_key(state, contended);
  const std::string value = "1 1700000000000 6000";  // what a lock record holds
  for (auto _ : state) {
    while (client.run({"SET", key, value, "NX", "PX", kLeaseMs})->type == REDIS_REPLY_NIL)
      std::this_thread::yield();
    client.run({"DEL", key});
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Floor_RedisSetNxDel(benchmark::State& state) { set_nx_del_cycles(state, false); }
void BM_Floor_RedisSetNxDel_Contended(benchmark::State& state) { set_nx_del_cycles(state, true); }

BENCHMARK(BM_Floor_RedisSetNxDel)->Setup(resolve_server)->Apply(one_and_two_threads);
BENCHMARK(BM_Floor_RedisSetNxDel_Contended)->Setup(resolve_server)->Apply(one_and_two_threads);

void redis_py_lock_cycles(benchmark::State& state, bool contended) {
  RawClient client;
  const std::string key = raw_key(state, contended);
  const redis::Reply loaded = client.run({"SCRIPT", "LOAD", kRedisPyReleaseScript});
  const std::string release_sha(loaded->str, loaded->len);
  // redis-py's token: uuid1().hex, 32 hex digits, one per Lock object.
  const std::string token = xxh3_mangle_key(key + std::to_string(state.thread_index()));
  for (auto _ : state) {
    while (client.run({"SET", key, token, "NX", "PX", kLeaseMs})->type == REDIS_REPLY_NIL)
      std::this_thread::yield();
    if (client.run({"EVALSHA", release_sha, "1", key, token})->integer != 1)
      throw std::runtime_error("redis-py release found another token");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Peer_RedisPyLock(benchmark::State& state) { redis_py_lock_cycles(state, false); }
void BM_Peer_RedisPyLock_Contended(benchmark::State& state) { redis_py_lock_cycles(state, true); }

BENCHMARK(BM_Peer_RedisPyLock)->Setup(resolve_server)->Apply(one_and_two_threads);
BENCHMARK(BM_Peer_RedisPyLock_Contended)->Setup(resolve_server)->Apply(one_and_two_threads);

}  // namespace
}  // namespace regionkv::bench
