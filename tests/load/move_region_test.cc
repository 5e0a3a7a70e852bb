// A region moved across backing stores with the tools, as an operator moves
// one (docs/moving-regions.md): 100,000 values from RocksDB to Redis
// (regionkv-dump --format jsonl, then regionkv-load --redis), every one read
// back through a Redis-backed region configured with the same key mangler,
// and back to RocksDB; and to memcached. The dump tool reads RocksDB stores
// only, so "back" loads the same export into a fresh store and checks that
// it dumps as the source did.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/memcached/live_memcached.h"
#include "tests/redis/live_redis.h"
#include "tests/support/subprocess.h"

namespace regionkv {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using testing::ProgramRun;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kDump = REGIONKV_DUMP_BINARY;
const std::string kLoad = REGIONKV_LOAD_BINARY;

StoreOptions no_sweeper() {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  return options;
}

// The source's configuration, and the one every reader uses: the default
// key mangler, named explicitly.
RegionConfig tokens_config() {
  RegionConfig config;
  config.key_mangler = xxh3_key_mangler();
  config.expire_time = hours(1);
  config.no_expiry_keys = {"forever"};
  return config;
}

std::string key_of(int i) { return "token-" + std::to_string(i); }
std::string value_of(int i) { return "{\"user\": \"user-" + std::to_string(i) + "\"}"; }

// Writes `count` values (and the no-expiry key "forever") into region
// "tokens" of a store at `dir`, dumps it to `file` and returns the dump's
// lines, sorted.
std::vector<std::string> export_region(const fs::path& dir, const fs::path& file, int count) {
  {
    auto store = Store::open(dir, no_sweeper());
    Region& tokens = store->region("tokens");
    tokens.configure(tokens_config());
    std::map<std::string, std::string> batch;
    for (int i = 0; i < count; ++i) {
      batch[key_of(i)] = value_of(i);
      if (batch.size() == 10'000 || i + 1 == count) {
        tokens.set_multi(batch);
        batch.clear();
      }
    }
    tokens.set("forever", "kept");
    Lock lock = tokens.get_lock(key_of(0));  // held during the dump: never exported
    const ProgramRun dump =
        testing::run_program(kDump, {dir.string(), "--region", "tokens", "--format", "jsonl"});
    EXPECT_EQ(dump.exit_status, 0) << dump.err;
    std::ofstream(file) << dump.out;
  }
  std::vector<std::string> lines;
  std::istringstream in(std::ifstream(file) ? [&] {
    std::ostringstream all;
    all << std::ifstream(file).rdbuf();
    return all.str();
  }() : std::string());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

ProgramRun load(const std::vector<std::string>& args) { return testing::run_program(kLoad, args); }

// Every value, read back through `region` by the application's keys.
void expect_every_value(Region& region, int count) {
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) keys.push_back(key_of(i));
  // In batches: one answer of 100,000 values would be a long wait.
  for (int first = 0; first < count; first += 1000) {
    const std::vector<std::string> batch(keys.begin() + first,
                                         keys.begin() + std::min(count, first + 1000));
    const std::vector<std::string> values = region.get_multi(batch);  // NotFound if any is missing
    ASSERT_EQ(values.size(), batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i)
      ASSERT_EQ(values[i], value_of(first + static_cast<int>(i))) << first + i;
  }
  EXPECT_EQ(region.find("forever"), "kept");
}

TEST(MoveRegionTest, HundredThousandValuesMoveFromRocksDBToRedisAndBack) {
  REGIONKV_REQUIRE_REDIS();
  constexpr int kCount = 100'000;
  TempDir dir;
  const fs::path file = dir.sub("tokens.jsonl");
  const std::vector<std::string> exported = export_region(dir.sub("source"), file, kCount);
  ASSERT_EQ(exported.size(), kCount + 1u);  // values only, the lock left out

  testing::RedisServer server;
  const ProgramRun to_redis = load({"--region", "tokens", "--redis", server.url(), file.string()});
  ASSERT_EQ(to_redis.exit_status, 0) << to_redis.err;
  EXPECT_NE(to_redis.out.find("loaded 100001 records"), std::string::npos) << to_redis.out;

  testing::RedisRegionClient client;
  // Timeouts for a machine busy with other builds, not for a server that hangs.
  auto args = testing::redis_args(server);
  args["io_timeout_ms"] = "10000";
  Region& on_redis = client.region("tokens", args, tokens_config());
  expect_every_value(on_redis, kCount);
  // Time left came along: Redis expires a value within the hour, never the
  // no-expiry key. No lock record came along.
  const std::string redis_key =
      server.command({"KEYS", "rkv:tokens:*:" + xxh3_mangle_key(key_of(7))});
  const long long ttl = std::stoll(server.command({"PTTL", redis_key}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 3'600'000);
  EXPECT_EQ(server.command(
                {"PTTL", server.command({"KEYS", "rkv:tokens:*:" + xxh3_mangle_key("forever")})}),
            "-1");
  EXPECT_EQ(server.command({"KEYS", "rkv:tokens:*_lock*"}), "");
  EXPECT_FALSE(on_redis.is_locked(key_of(0)));

  // Back to RocksDB: the same export into a fresh store, which then dumps
  // the same records (time left aside, which moves on).
  const ProgramRun back =
      load({"--region", "tokens", "--store", dir.sub("back").string(), file.string()});
  ASSERT_EQ(back.exit_status, 0) << back.err;
  {
    auto store = Store::open(dir.sub("back"), no_sweeper());
    Region& tokens = store->region("tokens");
    tokens.configure(tokens_config());
    expect_every_value(tokens, kCount);
  }
  const std::vector<std::string> again = export_region(dir.sub("back"), dir.sub("again.jsonl"), 0);
  ASSERT_EQ(again.size(), exported.size());
  const auto without_ttl = [](const std::string& line) {
    auto record = nlohmann::json::parse(line);
    record.erase("ttl_ms");
    return record;
  };
  for (std::size_t i = 0; i < exported.size(); ++i)
    ASSERT_EQ(without_ttl(again[i]), without_ttl(exported[i])) << i;
}

TEST(MoveRegionTest, ValuesWhoseTimeRanOutDuringTheMoveAreNotWrittenToRedis) {
  REGIONKV_REQUIRE_REDIS();
  TempDir dir;
  const std::int64_t now_ms =
      std::chrono::duration_cast<milliseconds>(Clock::now().time_since_epoch()).count();
  const std::string live_key = xxh3_mangle_key("live");
  const std::string gone_key = xxh3_mangle_key("gone");
  // "gone" had a minute left when dumped, but its expiry passed on the way.
  std::ofstream(dir.sub("f")) << R"({"region":"tokens","key":")" << live_key
                              << R"(","value":"v","value_encoding":"utf8","ttl_ms":60000,)"
                              << R"("no_expiry":false,"expires_at_ms":)" << now_ms + 60'000 << "}\n"
                              << R"({"region":"tokens","key":")" << gone_key
                              << R"(","value":"v","value_encoding":"utf8","ttl_ms":60000,)"
                              << R"("no_expiry":false,"expires_at_ms":)" << now_ms - 1 << "}\n";
  testing::RedisServer server;
  const ProgramRun run =
      load({"--region", "tokens", "--redis", server.url(), dir.sub("f").string()});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("loaded 1 records"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1 left out"), std::string::npos) << run.out;
  EXPECT_EQ(server.command({"KEYS", "rkv:tokens:*:" + gone_key}), "");
  testing::RedisRegionClient client;
  Region& on_redis = client.region("tokens", testing::redis_args(server), tokens_config());
  EXPECT_EQ(on_redis.find("live"), "v");
  EXPECT_EQ(on_redis.find("gone"), std::nullopt);
}

TEST(MoveRegionTest, ARegionMovesFromRocksDBToMemcached) {
  REGIONKV_REQUIRE_MEMCACHED();
  constexpr int kCount = 2'000;
  TempDir dir;
  const fs::path file = dir.sub("tokens.jsonl");
  ASSERT_EQ(export_region(dir.sub("source"), file, kCount).size(), kCount + 1u);
  testing::MemcachedServer server;
  const ProgramRun run =
      load({"--region", "tokens", "--memcached", server.address(), file.string()});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("loaded 2001 records"), std::string::npos) << run.out;
  testing::MemcachedClient client;
  Region& on_memcached = client.region("tokens", server.address(), tokens_config());
  expect_every_value(on_memcached, kCount);
}

TEST(MoveRegionTest, AServerThatCannotBeReachedFailsTheLoad) {
  TempDir dir;
  std::ofstream(dir.sub("f")) << R"({"region":"r","key":"k","value":"v","value_encoding":"utf8",)"
                              << R"("ttl_ms":null,"no_expiry":false})"
                              << "\n";
  // Port 1 on loopback: nothing listens there.
  const ProgramRun run = load({"--region", "r", "--redis", "redis://127.0.0.1:1/0", "--backend-arg",
                               "connect_timeout_ms=200", dir.sub("f").string()});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  EXPECT_TRUE(run.err.starts_with("regionkv-load: ")) << run.err;
}

}  // namespace
}  // namespace regionkv
