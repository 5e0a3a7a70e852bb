// Designs of a fenced lock on Redis, each sent by raw hiredis on one
// connection, one thread: what a lock cycle (take, release) of each design
// costs before any client library is added. They show where the store's
// design stands against the redis-py peer (BM_Peer_RedisPyLock in
// redis_benchmark.cc), run in the same invocation:
//
//   BM_RedisDesign_Ours              the store's commands: the acquire
//                                    script (PTTL, INCR, HSET, PEXPIRE) and
//                                    a plain HDEL of the token's field
//   BM_RedisDesign_StringRecord      a string record "<token> <terms>": an
//                                    acquire script of two calls (INCR, SET
//                                    NX PX) and a compare-and-delete release
//                                    script, redis-py's own release shape
//   BM_RedisDesign_ReleaseUnawaited  the store's commands, the HDEL's answer
//                                    read only before the next acquire
//   BM_RedisDesign_NoTokenInRecord   no acquire script: MULTI, SET record
//                                    "<nonce> <terms>" NX PX, INCR counter,
//                                    EXEC, then redis-py's release script on
//                                    the nonce. The record does not carry the
//                                    token (the spec says it must): the
//                                    cheapest acquire measured.
//
// docs/benchmarks.md ("Redis: the designs") has the numbers and the command.
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <stdexcept>
#include <string>

#include "bench/redis_bench_support.h"
#include "region/backends/redis/lock_steps.h"

namespace regionkv::bench {
namespace {

constexpr const char* kTerms = "1700000000000 6000";  // "<acquired_at_ms> <lease_ms>"

// Acquire and release of a string record "<token> <acquired_at_ms> <lease_ms>".
constexpr const char* kStringAcquire = R"lua(
local token = redis.call('INCR', KEYS[2])
if redis.call('SET', KEYS[1], string.format('%d ', token) .. ARGV[1], 'NX', 'PX', ARGV[2]) then
  return token
end
return -2 - redis.call('PTTL', KEYS[1])
)lua";
constexpr const char* kStringRelease = R"lua(
local record = redis.call('GET', KEYS[1])
if not record then return 0 end
if string.sub(record, 1, #ARGV[1] + 1) ~= ARGV[1] .. ' ' then return 2 end
redis.call('DEL', KEYS[1])
return 1
)lua";

struct DesignKeys {
  std::string record;
  std::string counter;
};

DesignKeys design_keys(const benchmark::State& state) {
  const std::string record = raw_key(state, false);
  return {record, record + ":fencing"};
}

[[noreturn]] void refused(const char* what) {
  throw std::runtime_error(std::string("uncontended lock refused: ") + what);
}

// The store's acquire script; the token it grants.
std::string acquire_with_script(RawClient& client, const std::string& sha,
                                const DesignKeys& keys) {
  const redis::Reply token =
      client.run({"EVALSHA", sha, "2", keys.record, keys.counter, kTerms, kLeaseMs});
  if (token->integer <= 0) refused("acquire script");
  return std::to_string(token->integer);
}

void BM_RedisDesign_Ours(benchmark::State& state) {
  RawClient client;
  const DesignKeys keys = design_keys(state);
  const std::string acquire = client.load(redis::lock_acquire_script().text());
  for (auto _ : state) {
    const std::string token = acquire_with_script(client, acquire, keys);
    if (client.run({"HDEL", keys.record, token})->integer != 1) refused("HDEL");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RedisDesign_StringRecord(benchmark::State& state) {
  RawClient client;
  const DesignKeys keys = design_keys(state);
  const std::string acquire = client.load(kStringAcquire);
  const std::string release = client.load(kStringRelease);
  for (auto _ : state) {
    const std::string token = acquire_with_script(client, acquire, keys);
    if (client.run({"EVALSHA", release, "1", keys.record, token})->integer != 1)
      refused("release script");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RedisDesign_ReleaseUnawaited(benchmark::State& state) {
  RawClient client;
  const DesignKeys keys = design_keys(state);
  const std::string acquire = client.load(redis::lock_acquire_script().text());
  bool release_unread = false;
  for (auto _ : state) {
    if (release_unread && client.receive()->integer != 1) refused("HDEL");
    const std::string token = acquire_with_script(client, acquire, keys);
    client.send({"HDEL", keys.record, token});
    client.flush();
    release_unread = true;
  }
  if (release_unread) client.receive();
  state.SetItemsProcessed(state.iterations());
}

void BM_RedisDesign_NoTokenInRecord(benchmark::State& state) {
  RawClient client;
  const DesignKeys keys = design_keys(state);
  const std::string release = client.load(kRedisPyReleaseScript);
  const std::string nonce = std::string("0123456789abcdef0123456789abcdef ") + kTerms;
  for (auto _ : state) {
    client.send({"MULTI"});
    client.send({"SET", keys.record, nonce, "NX", "PX", kLeaseMs});
    client.send({"INCR", keys.counter});
    client.send({"EXEC"});
    for (int queued = 0; queued < 3; ++queued) client.receive();  // OK, QUEUED, QUEUED
    const redis::Reply executed = client.receive();
    if (executed->type != REDIS_REPLY_ARRAY || executed->element[0]->type != REDIS_REPLY_STATUS)
      refused("SET NX");
    if (client.run({"EVALSHA", release, "1", keys.record, nonce})->integer != 1)
      refused("release script");
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RedisDesign_Ours)->Setup(resolve_server)->Threads(1)->UseRealTime();
BENCHMARK(BM_RedisDesign_StringRecord)->Setup(resolve_server)->Threads(1)->UseRealTime();
BENCHMARK(BM_RedisDesign_ReleaseUnawaited)->Setup(resolve_server)->Threads(1)->UseRealTime();
BENCHMARK(BM_RedisDesign_NoTokenInRecord)->Setup(resolve_server)->Threads(1)->UseRealTime();

}  // namespace
}  // namespace regionkv::bench
