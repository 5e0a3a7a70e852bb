// regionkv-dump run as a program: against a store another process holds open
// and keeps writing, its JSON read back field by field, and every error path
// with its exit status and one line on stderr.
#include <gtest/gtest.h>
#include <poll.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/printable.h"
#include "engine/record.h"
#include "regionkv/regionkv.h"
#include "tests/support/subprocess.h"
#include "tests/support/plain_rocksdb.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::milliseconds;
using testing::ProgramRun;
using testing::RunOptions;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kDump = REGIONKV_DUMP_BINARY;

ProgramRun dump(const std::vector<std::string>& args, const RunOptions& options = {}) {
  return testing::run_program(kDump, args, options);
}

// The error contract: this exit status, and one line on stderr naming it.
void expect_failure(const ProgramRun& run, int exit_status, const std::string& reason) {
  EXPECT_EQ(run.exit_status, exit_status) << run.err;
  EXPECT_TRUE(run.err.starts_with("regionkv-dump: ")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_TRUE(run.err.ends_with("\n")) << run.err;
  EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
}

json parse_success(const ProgramRun& run) {
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  return json::parse(run.out);
}

std::set<std::string> field_names(const json& object) {
  std::set<std::string> names;
  for (const auto& [name, value] : object.items()) names.insert(name);
  return names;
}

// No sweeper: these tests look at what the tool shows, so the store changes
// only when the test changes it.
StoreOptions no_sweeper() {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  return options;
}

StoreOptions clock_at(std::shared_ptr<ManualTimeSource> clock) {
  StoreOptions options = no_sweeper();
  options.time_source = std::move(clock);
  return options;
}

RegionConfig raw_keys() {
  RegionConfig config;
  config.enable_key_mangler = false;
  return config;
}

// A store, closed, with one region "r" holding `key`.
fs::path closed_store(const TempDir& dir, const std::string& key = "k") {
  auto store = Store::open(dir.sub("store"), no_sweeper());
  store->region("r").configure(raw_keys());
  store->region("r").set(key, "v");
  return dir.sub("store");
}

// ---- A store its owner holds open and keeps writing ------------------------

constexpr std::uint64_t kReadyWrites = 500;  // made before the dump starts
constexpr std::uint64_t kMoreWrites = 200;   // made after the dump ends

std::string writer_key(std::uint64_t i) { return "key-" + std::to_string(i); }
std::string writer_value(std::uint64_t i) { return "value-" + std::to_string(i); }

void send(int fd, std::uint64_t n) {
  if (::write(fd, &n, sizeof n) != sizeof n) ::_exit(3);
}

// Waits up to a minute for a number from the other process.
std::optional<std::uint64_t> receive(int fd) {
  pollfd ready{fd, POLLIN, 0};
  std::uint64_t n = 0;
  if (::poll(&ready, 1, 60'000) != 1 || ::read(fd, &n, sizeof n) != sizeof n) return {};
  return n;
}

// The owner: holds a lock and writes key-i = value-i without pause; reports
// its count after kReadyWrites; once told to stop, writes kMoreWrites more,
// reads back every write, reports its final count and exits 0 only if
// nothing was lost.
[[noreturn]] void run_writer(const fs::path& store_dir, int report_fd, int stop_fd) {
  int status = 1;
  try {
    auto store = Store::open(store_dir, no_sweeper());
    Region& region = store->region("live");
    region.configure({});
    Lock lock = region.get_lock("held");
    std::uint64_t written = 0;
    const auto write_one = [&] {
      region.set(writer_key(written), writer_value(written));
      ++written;
    };
    while (written < kReadyWrites) write_one();
    send(report_fd, written);
    pollfd stop{stop_fd, POLLIN, 0};
    while (::poll(&stop, 1, 0) == 0) write_one();
    for (std::uint64_t i = 0; i < kMoreWrites; ++i) write_one();
    bool all_there = lock.active();
    for (std::uint64_t i = 0; i < written; ++i)
      all_there = all_there && region.find(writer_key(i)) == writer_value(i);
    lock.release();
    send(report_fd, written);
    status = all_there ? 0 : 1;
  } catch (const std::exception&) {
    status = 2;
  }
  ::_exit(status);
}

// Kills the writer if the test ends before it does.
struct ChildGuard {
  pid_t pid;
  ~ChildGuard() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

TEST(DumpToolTest, DumpsAStoreWhileItsOwnerKeepsWritingAndNothingIsLost) {
  TempDir dir;
  int report[2];
  int stop[2];
  ASSERT_EQ(::pipe(report), 0);
  ASSERT_EQ(::pipe(stop), 0);
  ChildGuard writer{::fork()};
  ASSERT_GE(writer.pid, 0);
  if (writer.pid == 0) run_writer(dir.sub("store"), report[1], stop[0]);

  const std::optional<std::uint64_t> before_dump = receive(report[0]);
  ASSERT_TRUE(before_dump) << "the writer did not start";
  const ProgramRun run = dump({dir.sub("store"), "--format", "json", "--region", "live"});
  ASSERT_EQ(::write(stop[1], "x", 1), 1);
  const std::optional<std::uint64_t> final_count = receive(report[0]);
  ASSERT_TRUE(final_count) << "the writer did not finish";
  int status = 0;
  ASSERT_EQ(::waitpid(writer.pid, &status, 0), writer.pid);
  writer.pid = 0;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the writer lost writes or failed";

  // The dump saw every write made before it started, and only real writes.
  const json region = parse_success(run)["regions"].at(0);
  EXPECT_EQ(region["name"], "live");
  std::map<std::string, std::uint64_t> index;  // stored key -> i
  for (std::uint64_t i = 0; i < *final_count; ++i) index[xxh3_mangle_key(writer_key(i))] = i;
  std::uint64_t seen_before_dump = 0;
  for (const auto& record : region["records"]) {
    const auto it = index.find(record["key"].get<std::string>());
    ASSERT_NE(it, index.end()) << record.dump();
    EXPECT_EQ(record["value"], writer_value(it->second));
    if (it->second < *before_dump) ++seen_before_dump;
  }
  EXPECT_EQ(seen_before_dump, *before_dump);
  EXPECT_LE(region["records"].size() + kMoreWrites, *final_count);
  // The writer's lock, held throughout.
  ASSERT_EQ(region["locks"].size(), 1u);
  const json& lock = region["locks"][0];
  EXPECT_EQ(lock["key"], xxh3_mangle_key("held"));
  EXPECT_GE(lock["fencing_token"].get<std::uint64_t>(), 1u);
  EXPECT_EQ(
      lock["lease_expires_at_ms"].get<std::int64_t>() - lock["acquired_at_ms"].get<std::int64_t>(),
      6000);  // the default lock_timeout + 1 s

  // Everything the writer wrote is in the store once it has closed it.
  EXPECT_EQ(inspect_store(dir.sub("store")).regions.at(0).live_record_count, *final_count);
}

// ---- JSON, field by field ---------------------------------------------------

TEST(DumpToolTest, JsonCarriesEveryRecordAndLockFieldByField) {
  TempDir dir;
  const TimePoint t0 = common::truncate_to_ms(Clock::now());
  const std::int64_t t0_ms = common::to_unix_ms(t0);
  auto store = Store::open(dir.sub("store"), clock_at(std::make_shared<ManualTimeSource>(t0)));
  Region& tokens = store->region("tokens");
  RegionConfig config;
  config.expire_time = hours(1);
  config.lock_timeout = milliseconds(5000);
  tokens.configure(config);
  tokens.set("token-1", R"({"user": "alice"})");
  Lock lock = tokens.get_lock("token-1");
  Region& blobs = store->region("blobs");
  blobs.configure(raw_keys());
  blobs.set("blob", std::string("\0\xff\xfe\x80", 4));

  // The store stays open in this process while the tool reads it.
  const json out = parse_success(dump({dir.sub("store"), "--format", "json"}));
  EXPECT_EQ(field_names(out), (std::set<std::string>{"regions"}));
  ASSERT_EQ(out["regions"].size(), 2u);

  const json& b = out["regions"][0];
  EXPECT_EQ(field_names(b), (std::set<std::string>{"name", "records", "locks"}));
  EXPECT_EQ(b["name"], "blobs");
  ASSERT_EQ(b["records"].size(), 1u);
  EXPECT_EQ(b["records"][0],
            json::parse(R"({"key": "blob", "value": "AP/+gA==", "value_encoding": "base64",
                            "expires_at_ms": null})"));
  EXPECT_EQ(b["locks"], json::array());

  const json& t = out["regions"][1];
  EXPECT_EQ(t["name"], "tokens");
  ASSERT_EQ(t["records"].size(), 1u);
  EXPECT_EQ(t["records"][0], (json{{"key", xxh3_mangle_key("token-1")},
                                   {"value", R"({"user": "alice"})"},
                                   {"value_encoding", "utf8"},
                                   {"expires_at_ms", t0_ms + 3'600'000}}));
  ASSERT_EQ(t["locks"].size(), 1u);
  EXPECT_EQ(t["locks"][0], (json{{"key", xxh3_mangle_key("token-1")},
                                 {"fencing_token", lock.fencing_token()},
                                 {"acquired_at_ms", t0_ms},
                                 {"lease_expires_at_ms", t0_ms + 6000}}));
}

TEST(DumpToolTest, ExpiredRecordsAreHiddenUnlessAskedFor) {
  TempDir dir;
  // Written by a clock two hours behind: expired by the tool's clock.
  auto clock = std::make_shared<ManualTimeSource>(Clock::now() - hours(2));
  auto store = Store::open(dir.sub("store"), clock_at(clock));
  RegionConfig config = raw_keys();
  config.expire_time = hours(1);
  store->region("r").configure(config);
  store->region("r").set("old", "v");
  clock->set(Clock::now());
  store->region("r").set("fresh", "v");

  const json shown = parse_success(dump({dir.sub("store"), "--format", "json"}));
  ASSERT_EQ(shown["regions"][0]["records"].size(), 1u);
  EXPECT_EQ(shown["regions"][0]["records"][0]["key"], "fresh");

  const json all = parse_success(dump({dir.sub("store"), "--format", "json", "--expired"}));
  ASSERT_EQ(all["regions"][0]["records"].size(), 2u);
  EXPECT_EQ(all["regions"][0]["records"][1]["key"], "old");

  const ProgramRun table = dump({dir.sub("store")});
  EXPECT_NE(table.out.find("1 expired hidden"), std::string::npos) << table.out;
}

TEST(DumpToolTest, TableShowsSummaryRecordsAndLocks) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), no_sweeper());
  store->region("r").configure(raw_keys());
  store->region("r").set("k", "hello");
  Lock lock = store->region("r").get_lock("k");

  const ProgramRun run = dump({dir.sub("store")});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("region  records  expired  locks  bytes\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\nr       1        0        1      "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("region 'r': 1 record\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  k    never       hello\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("region 'r': 1 lock\n"), std::string::npos) << run.out;
}

TEST(DumpToolTest, RegionLocksAndLimitOptionsFilter) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), no_sweeper());
  for (const std::string name : {"a", "b"}) {
    store->region(name).configure(raw_keys());
    for (int i = 0; i < 3; ++i) store->region(name).set("k" + std::to_string(i), "v");
  }
  Lock lock = store->region("b").get_lock("k0");

  const json b = parse_success(dump({dir.sub("store"), "--format", "json", "--region", "b"}));
  ASSERT_EQ(b["regions"].size(), 1u);
  EXPECT_EQ(b["regions"][0]["name"], "b");

  const json locks =
      parse_success(dump({dir.sub("store"), "--format", "json", "--region", "b", "--locks"}));
  EXPECT_EQ(locks["regions"][0]["records"], json::array());
  EXPECT_EQ(locks["regions"][0]["locks"].size(), 1u);

  const json limited = parse_success(dump({dir.sub("store"), "--format", "json", "--limit", "2"}));
  for (const auto& region : limited["regions"]) EXPECT_EQ(region["records"].size(), 2u);
}

// --stats: the on-disk figures of a store its owner holds open, which has
// flushed one region to a table file and holds the other in its log.
TEST(DumpToolTest, StatsShowOnDiskFiguresOfALiveStore) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), no_sweeper());
  for (const std::string name : {"flushed", "logged"}) {
    store->region(name).configure(raw_keys());
    for (int i = 0; i < 200; ++i)
      store->region(name).set("k" + std::to_string(i), std::string(200, 'a' + i % 26));
  }
  engine::Engine& engine = StoreInternals::engine(*store);
  ASSERT_TRUE(engine.db().Flush(rocksdb::FlushOptions(), engine.find_column_family("flushed")).ok());

  const json stats = parse_success(dump({dir.sub("store"), "--stats", "--format", "json"}));
  ASSERT_EQ(stats["regions"].size(), 2u);
  const json& regions = stats["engine"]["regions"];
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0]["name"], "flushed");
  EXPECT_GT(regions[0]["sst_bytes"], 1000);
  EXPECT_EQ(regions[1]["name"], "logged");
  EXPECT_EQ(regions[1]["sst_bytes"], 0);
  EXPECT_GT(regions[1]["memtable_bytes"], 0) << "the log's writes, replayed";
  EXPECT_EQ(regions[1]["estimated_keys"], 200);
  EXPECT_GT(stats["engine"]["wal_bytes"], 40'000);
  EXPECT_EQ(stats["engine"]["block_cache_capacity"], 0) << "the owner's cache, not shown";

  const ProgramRun table = dump({dir.sub("store"), "--stats"});
  EXPECT_EQ(table.exit_status, 0) << table.err;
  EXPECT_TRUE(table.out.starts_with("2 regions; table files ")) << table.out;
  EXPECT_NE(table.out.find("\nlogged   0 B  "), std::string::npos) << table.out;
}

TEST(DumpToolTest, StatsRefuseOptionsOfTheRecordDump) {
  TempDir dir;
  Store::open(dir.sub("store"));
  expect_failure(dump({dir.sub("store"), "--stats", "--region", "r"}), 2, "excludes");
}

TEST(DumpToolTest, HelpExitsZero) {
  const ProgramRun run = dump({"--help"});
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_NE(run.out.find("--region"), std::string::npos) << run.out;
}

// ---- Errors -----------------------------------------------------------------

TEST(DumpToolTest, MissingDirectoryIsUsageError) {
  TempDir dir;
  const ProgramRun run = dump({dir.sub("absent")});
  expect_failure(run, 2, "does not exist");
  EXPECT_EQ(run.out, "");
  EXPECT_FALSE(fs::exists(dir.sub("absent")));
}

TEST(DumpToolTest, DirectoryOfOtherFilesIsNotAStore) {
  TempDir dir;
  std::ofstream(dir.sub("notes.txt")) << "not a store";
  expect_failure(dump({dir.path()}), 2, "not a regionkv store");
}

TEST(DumpToolTest, RocksDbDatabaseWithoutTheMarkerIsNotAStore) {
  TempDir dir;
  {
    testing::open_plain_rocksdb(dir.sub("db"));
  }
  expect_failure(dump({dir.sub("db")}), 2, "format marker");
}

TEST(DumpToolTest, RegionNotInTheStoreIsUsageError) {
  TempDir dir;
  const ProgramRun run = dump({closed_store(dir), "--region", "nope"});
  expect_failure(run, 2, "region 'nope' is not in store");
  EXPECT_NE(run.err.find("'r'"), std::string::npos) << run.err;
}

TEST(DumpToolTest, BadArgumentsAreUsageErrors) {
  TempDir dir;
  const std::string store = closed_store(dir);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {store, "--format", "xml"},
                                             {store, "--limit", "-1"},
                                             {store, "--limit", "many"},
                                             {store, "--region"},
                                             {store, "--no-such-option"},
                                             {store, "second-store"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const ProgramRun run = dump(args);
    expect_failure(run, 2, "");
    EXPECT_EQ(run.out, "");
  }
}

TEST(DumpToolTest, UnreadableDirectoryIsFailure) {
  TempDir dir;
  const fs::path store = closed_store(dir);
  RunOptions options;
  if (::geteuid() == 0) {
    // Root reads everything: run the tool as nobody against a directory
    // only root may read.
    options.as_user = 65534;
    fs::permissions(dir.path(), fs::perms::others_read | fs::perms::others_exec,
                    fs::perm_options::add);
    fs::permissions(store, fs::perms::owner_all, fs::perm_options::replace);
  } else {
    fs::permissions(store, fs::perms::none, fs::perm_options::replace);
  }
  const ProgramRun run = dump({store}, options);
  fs::permissions(store, fs::perms::owner_all, fs::perm_options::replace);
  if (run.exit_status == testing::kCannotRunAsUser)
    GTEST_SKIP() << "cannot run the tool as an unprivileged user here (the build tree "
                    "is out of its reach, or setuid is not permitted)";
  expect_failure(run, 1, "Permission denied");
}

TEST(DumpToolTest, CorruptRecordFailsButTheRestIsStillDumped) {
  TempDir dir;
  auto store = Store::open(dir.sub("store"), no_sweeper());
  store->region("r").configure(raw_keys());
  store->region("r").set("good", "v");
  engine::Engine& engine = StoreInternals::engine(*store);
  ASSERT_TRUE(
      engine.db().Put(rocksdb::WriteOptions(), engine.column_family("r"), "bad", "garbage").ok());

  const ProgramRun run = dump({dir.sub("store"), "--format", "json"});
  expect_failure(run, 1, "1 corrupt record(s) left out; first: region 'r', key 'bad'");
  const json out = json::parse(run.out);
  ASSERT_EQ(out["regions"][0]["records"].size(), 1u);
  EXPECT_EQ(out["regions"][0]["records"][0]["key"], "good");
}

// ---- The scratch directory --------------------------------------------------

TEST(DumpToolTest, ScratchDirectoryGoesUnderTmpdir) {
  TempDir dir;
  RunOptions options;
  options.env["TMPDIR"] = dir.sub("no-such-temp-dir");
  expect_failure(dump({closed_store(dir)}, options), 1, "temp directory");
}

TEST(DumpToolTest, NeverLeavesItsScratchDirectoryBehind) {
  TempDir dir;
  TempDir tmp;
  const fs::path store = closed_store(dir);
  {
    testing::open_plain_rocksdb(dir.sub("db"));
  }
  RunOptions options;
  options.env["TMPDIR"] = tmp.path();
  EXPECT_EQ(dump({store}, options).exit_status, 0);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
  EXPECT_EQ(dump({store, "--format", "json", "--expired", "--locks"}, options).exit_status, 0);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
  EXPECT_EQ(dump({store, "--region", "nope"}, options).exit_status, 2);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
  EXPECT_EQ(dump({dir.sub("db")}, options).exit_status, 2);  // fails after opening
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
}  // namespace regionkv
