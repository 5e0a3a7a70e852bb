// inspect_store: reading a store from outside, decoding and classifying its
// records, judging expiry against a given time, never changing the store.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "engine/record.h"
#include "engine/scratch_dir.h"
#include "lock/lease_record.h"
#include "regionkv/regionkv.h"
#include "tests/support/plain_rocksdb.h"
#include "tests/support/seed_fixtures.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using testing::StoreFixture;
using testing::TempDir;
namespace fs = std::filesystem;

StoreOptions no_sweeper() {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  return options;
}

// Keys stored raw, so tests can name what they expect to see.
RegionConfig raw_keys() {
  RegionConfig config;
  config.enable_key_mangler = false;
  return config;
}

class InspectTest : public ::testing::Test {
 protected:
  InspectTest() : fixture_(no_sweeper()) {}

  Region& region(const std::string& name, RegionConfig config = raw_keys()) {
    Region& r = fixture_.store->region(name);
    r.configure(std::move(config));
    return r;
  }
  // Writes raw bytes under `key` in the region's column family.
  void put_raw(const std::string& region, const std::string& key, const std::string& bytes) {
    engine::Engine& engine = StoreInternals::engine(*fixture_.store);
    ASSERT_TRUE(
        engine.db().Put(rocksdb::WriteOptions(), engine.column_family(region), key, bytes).ok());
  }
  TimePoint now() const { return fixture_.clock->now(); }
  StoreSnapshot inspect(InspectOptions options = {}) {
    if (!options.now) options.now = now();
    return inspect_store(fixture_.dir.sub("store"), options);
  }

  StoreFixture fixture_;
};

TEST_F(InspectTest, ListsValueRecordsInKeyOrderWithTheirExpiry) {
  RegionConfig expiring = raw_keys();
  expiring.expire_time = minutes(1);
  region("r", expiring).set("b", "two");
  region("r2").set("a", "one");
  fixture_.store->region("r").set("a", "one");

  const StoreSnapshot snapshot = inspect();
  ASSERT_EQ(snapshot.regions.size(), 2u);
  const RegionSnapshot& r = snapshot.regions[0];
  EXPECT_EQ(r.name, "r");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].key, "a");
  EXPECT_EQ(r.records[0].value, "one");
  EXPECT_EQ(r.records[0].expires_at, common::truncate_to_ms(now() + minutes(1)));
  EXPECT_FALSE(r.records[0].expired);
  EXPECT_EQ(r.records[1].key, "b");
  EXPECT_EQ(snapshot.regions[1].name, "r2");
  EXPECT_EQ(snapshot.regions[1].records[0].expires_at, std::nullopt);
}

TEST_F(InspectTest, KeysAreTheStoredMangledKeys) {
  region("r", RegionConfig{}).set("token-1", "v");
  const StoreSnapshot snapshot = inspect();
  ASSERT_EQ(snapshot.regions[0].records.size(), 1u);
  EXPECT_EQ(snapshot.regions[0].records[0].key, xxh3_mangle_key("token-1"));
}

TEST_F(InspectTest, SeesEveryWriteOfTheStoreItsOwnerHoldsOpen) {
  Region& r = region("r");
  for (int i = 0; i < 100; ++i) r.set("k" + std::to_string(i), "v" + std::to_string(i));
  r.erase("k7");

  const StoreSnapshot snapshot = inspect();
  EXPECT_EQ(snapshot.regions[0].live_record_count, 99u);
  r.set("after", "still writable");  // the owner is unaffected
  EXPECT_EQ(r.get("after"), "still writable");
}

TEST_F(InspectTest, LockRecordsAreListedAsLocksWithoutThePrefix) {
  RegionConfig config = raw_keys();
  config.lock_timeout = milliseconds(5000);
  Region& r = region("r", config);
  r.set("k", "v");
  Lock lock = r.get_lock("k");

  const RegionSnapshot region = inspect().regions[0];
  ASSERT_EQ(region.records.size(), 1u);  // the value only
  EXPECT_EQ(region.lock_count, 1u);
  ASSERT_EQ(region.locks.size(), 1u);
  const InspectedLock& listed = region.locks[0];
  EXPECT_EQ(listed.key, "k");
  EXPECT_EQ(listed.fencing_token, lock.fencing_token());
  EXPECT_EQ(listed.acquired_at, lock.acquired_at());
  EXPECT_EQ(listed.lease, milliseconds(6000));  // lock_timeout + 1 s
  EXPECT_EQ(listed.lease_ends, lock.acquired_at() + milliseconds(6000));
  EXPECT_FALSE(listed.lease_expired);
}

TEST_F(InspectTest, LeaseStateIsJudgedAgainstNowAndRunOutLeasesStayListed) {
  RegionConfig config = raw_keys();
  config.lock_timeout = milliseconds(5000);
  Region& r = region("r", config);
  Lock lock = r.get_lock("k");

  InspectOptions options;
  options.now = now() + milliseconds(5999);
  EXPECT_FALSE(inspect(options).regions[0].locks.at(0).lease_expired);
  options.now = now() + milliseconds(6000);
  EXPECT_TRUE(inspect(options).regions[0].locks.at(0).lease_expired);
}

TEST_F(InspectTest, LeaseOfALockThatNeverTimesOutNeverEnds) {
  RegionConfig config = raw_keys();
  config.lock_timeout = milliseconds(0);
  Lock lock = region("r", config).get_lock("k");

  InspectOptions options;
  options.now = now() + std::chrono::hours(24 * 365);
  const InspectedLock listed = inspect(options).regions[0].locks.at(0);
  EXPECT_EQ(listed.lease, milliseconds(0));
  EXPECT_EQ(listed.lease_ends, std::nullopt);
  EXPECT_FALSE(listed.lease_expired);
}

TEST_F(InspectTest, ExpiredRecordsAreHiddenButCounted) {
  RegionConfig config = raw_keys();
  config.expire_time = minutes(1);
  Region& r = region("r", config);
  r.set("old", "v");
  fixture_.clock->advance(minutes(2));
  r.set("new", "v");

  const RegionSnapshot region = inspect().regions[0];
  ASSERT_EQ(region.records.size(), 1u);
  EXPECT_EQ(region.records[0].key, "new");
  EXPECT_EQ(region.live_record_count, 1u);
  EXPECT_EQ(region.expired_record_count, 1u);
}

TEST_F(InspectTest, ExpiredRecordsAreListedWhenAskedForAndFlagged) {
  RegionConfig config = raw_keys();
  config.expire_time = minutes(1);
  region("r", config).set("k", "v");

  InspectOptions options;
  options.include_expired = true;
  options.now = now() + minutes(1);  // exactly at expiry: gone for reads
  const RegionSnapshot region = inspect(options).regions[0];
  ASSERT_EQ(region.records.size(), 1u);
  EXPECT_TRUE(region.records[0].expired);
}

TEST_F(InspectTest, NoExpiryKeysAsPersistedAreLiveWhateverTheirRecordsCarry) {
  RegionConfig config = raw_keys();
  config.expire_time = minutes(1);
  Region& r = region("r", config);
  r.set("joined-late", "kept");  // carries an expiry: not in the set yet
  r.set("plain", "goes");
  r.set_no_expiry_keys({"joined-late"});

  InspectOptions options;
  options.now = now() + minutes(2);  // both records' expiry has passed
  const RegionSnapshot region = inspect(options).regions[0];
  EXPECT_EQ(region.live_record_count, 1u);
  EXPECT_EQ(region.expired_record_count, 1u);
  ASSERT_EQ(region.records.size(), 1u);
  EXPECT_EQ(region.records[0].key, "joined-late");
  EXPECT_TRUE(region.records[0].no_expiry);
  EXPECT_FALSE(region.records[0].expired);
  EXPECT_NE(region.records[0].expires_at, std::nullopt);  // as stored
  EXPECT_EQ(inspect_no_expiry_keys(fixture_.dir.sub("store"), "r"),
            (std::set<std::string>{"joined-late"}));
}

TEST_F(InspectTest, NoExpiryKeysOfARegionNotInTheStoreAreUnknown) {
  region("r");
  EXPECT_EQ(inspect_no_expiry_keys(fixture_.dir.sub("store"), "other"), std::nullopt);
}

TEST_F(InspectTest, StoredKeyFindsThatKeyAndItsLockOnly) {
  Region& r = region("r");
  for (const std::string key : {"a", "b", "c"}) r.set(key, "value of " + key);
  Lock lock = r.get_lock("b");
  Lock other = r.get_lock("c");

  InspectOptions options;
  options.stored_key = "b";
  const RegionSnapshot region = inspect(options).regions[0];
  ASSERT_EQ(region.records.size(), 1u);
  EXPECT_EQ(region.records[0].value, "value of b");
  ASSERT_EQ(region.locks.size(), 1u);
  EXPECT_EQ(region.locks[0].fencing_token, lock.fencing_token());
  EXPECT_EQ(region.live_record_count, 1u);
  EXPECT_EQ(region.lock_count, 1u);

  options.stored_key = "bb";  // after "b", before "c": nothing there
  const RegionSnapshot none = inspect(options).regions[0];
  EXPECT_TRUE(none.records.empty());
  EXPECT_TRUE(none.locks.empty());
  EXPECT_EQ(none.live_record_count, 0u);
}

TEST_F(InspectTest, StoredKeyOfALockRecordIsRefused) {
  region("r");
  InspectOptions options;
  options.stored_key = "_lockb";
  EXPECT_THROW(inspect(options), std::invalid_argument);
}

TEST_F(InspectTest, OnRecordReceivesListedRecordsInsteadOfTheSnapshot) {
  Region& r = region("r");
  for (int i = 0; i < 5; ++i) r.set("k" + std::to_string(i), "v");
  Lock lock = r.get_lock("k0");

  std::vector<std::pair<std::string, std::string>> seen;  // region, key
  InspectOptions options;
  options.limit = 3;
  options.on_record = [&](const std::string& name, const InspectedRecord& record) {
    seen.emplace_back(name, record.key);
  };
  const RegionSnapshot region = inspect(options).regions[0];
  EXPECT_TRUE(region.records.empty());
  EXPECT_EQ(region.live_record_count, 5u);
  EXPECT_EQ(region.locks.size(), 1u);  // locks are still listed
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {"r", "k0"}, {"r", "k1"}, {"r", "k2"}}));
}

TEST_F(InspectTest, BinaryValuesComeBackByteForByte) {
  const std::string binary("\0\xff\x01\n\x80z", 6);
  const std::string binary_key("\x01key\xfe", 5);
  region("r").set(binary_key, binary);

  const RegionSnapshot region = inspect().regions[0];
  ASSERT_EQ(region.records.size(), 1u);
  EXPECT_EQ(region.records[0].key, binary_key);
  EXPECT_EQ(region.records[0].value, binary);
}

TEST_F(InspectTest, LimitCapsRecordsAndLocksPerRegionButNotCounts) {
  Region& r = region("r");
  std::vector<Lock> locks;
  for (int i = 0; i < 5; ++i) {
    r.set("k" + std::to_string(i), "v");
    locks.push_back(r.get_lock("k" + std::to_string(i)));
  }
  InspectOptions options;
  options.limit = 2;
  const RegionSnapshot region = inspect(options).regions[0];
  ASSERT_EQ(region.records.size(), 2u);
  EXPECT_EQ(region.records[0].key, "k0");
  EXPECT_EQ(region.records[1].key, "k1");
  EXPECT_EQ(region.locks.size(), 2u);
  EXPECT_EQ(region.live_record_count, 5u);
  EXPECT_EQ(region.lock_count, 5u);
}

TEST_F(InspectTest, LocksOnlyListsNoRecords) {
  Region& r = region("r");
  r.set("k", "v");
  Lock lock = r.get_lock("k");
  InspectOptions options;
  options.locks_only = true;
  const RegionSnapshot region = inspect(options).regions[0];
  EXPECT_TRUE(region.records.empty());
  EXPECT_EQ(region.live_record_count, 1u);
  EXPECT_EQ(region.locks.size(), 1u);
}

TEST_F(InspectTest, RegionOptionKeepsThatRegionOnly) {
  region("a").set("k", "va");
  region("b").set("k", "vb");
  InspectOptions options;
  options.region = "b";
  const StoreSnapshot snapshot = inspect(options);
  ASSERT_EQ(snapshot.regions.size(), 1u);
  EXPECT_EQ(snapshot.regions[0].name, "b");
  EXPECT_EQ(snapshot.regions[0].records.at(0).value, "vb");
}

TEST_F(InspectTest, RegionNotInTheStoreIsNotFoundNamingTheRegions) {
  region("a").set("k", "v");
  InspectOptions options;
  options.region = "missing";
  try {
    inspect(options);
    FAIL() << "expected NotFound";
  } catch (const NotFound& e) {
    EXPECT_NE(std::string(e.what()).find("'missing'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'a'"), std::string::npos) << e.what();
  }
  options.region = "default";  // the metadata column family is no region
  EXPECT_THROW(inspect(options), NotFound);
}

TEST_F(InspectTest, StoredBytesCountKeysAndWholeRecordsOfEveryKind) {
  RegionConfig config = raw_keys();
  config.expire_time = minutes(1);
  Region& r = region("r", config);
  r.set("key", "value");        // 3 + 16 + 5
  Lock lock = r.get_lock("k");  // "_lockk": 6 + 16 + 24
  put_raw("r", "bad", "xy");    // 3 + 2

  const RegionSnapshot region = inspect().regions[0];
  EXPECT_EQ(region.stored_bytes, (3u + 16 + 5) + (6u + 16 + 24) + (3u + 2));
}

TEST_F(InspectTest, CorruptRecordsAreFlaggedAndTheRestStillListed) {
  Region& r = region("r");
  r.set("a", "good");
  std::string damaged = engine::encode_record(engine::RecordKind::kValue, std::nullopt, "v");
  damaged.back() ^= 0x01;
  put_raw("r", "b", damaged);
  put_raw("r", "c", "short");
  put_raw("r", "_lockd",
          engine::encode_record(engine::RecordKind::kLock, std::nullopt, "not a lease"));
  put_raw("r", "e",  // a lock record must sit at "_lock" + key
          engine::encode_record(engine::RecordKind::kLock, std::nullopt,
                                lock::encode_lease(lock::LeaseRecord{1, now(), {}})));
  r.set("f", "also good");

  const RegionSnapshot region = inspect().regions[0];
  ASSERT_EQ(region.records.size(), 2u);
  EXPECT_EQ(region.records[0].key, "a");
  EXPECT_EQ(region.records[1].key, "f");
  EXPECT_TRUE(region.locks.empty());
  ASSERT_EQ(region.corrupt.size(), 4u);
  std::map<std::string, std::string> reasons;
  for (const auto& c : region.corrupt) reasons[c.key] = c.reason;
  EXPECT_NE(reasons["b"].find("checksum mismatch"), std::string::npos) << reasons["b"];
  EXPECT_NE(reasons["c"].find("only 5 bytes"), std::string::npos) << reasons["c"];
  EXPECT_NE(reasons["_lockd"].find("corrupt lock record"), std::string::npos) << reasons["_lockd"];
  EXPECT_NE(reasons["e"].find("_lock prefix"), std::string::npos) << reasons["e"];
}

TEST_F(InspectTest, NowDefaultsToTheSystemClock) {
  region("r").set("k", "v");
  const TimePoint before = Clock::now();
  const StoreSnapshot snapshot = inspect_store(fixture_.dir.sub("store"));
  EXPECT_GE(snapshot.now, before);
  EXPECT_LE(snapshot.now, Clock::now());
}

TEST_F(InspectTest, StoreWithoutRegionsHasNoRegions) { EXPECT_TRUE(inspect().regions.empty()); }

// ---- What is not a store, and what cannot be read --------------------------

TEST(InspectDirectoryTest, MissingDirectoryIsNotAStore) {
  TempDir dir;
  try {
    inspect_store(dir.sub("absent"));
    FAIL() << "expected NotAStore";
  } catch (const NotAStore& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.sub("absent")));
}

TEST(InspectDirectoryTest, RegularFileIsNotAStore) {
  TempDir dir;
  std::ofstream(dir.sub("file")) << "hello";
  EXPECT_THROW(inspect_store(dir.sub("file")), NotAStore);
}

TEST(InspectDirectoryTest, EmptyDirectoryIsNotAStoreAndStaysEmpty) {
  TempDir dir;
  EXPECT_THROW(inspect_store(dir.path()), NotAStore);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(InspectDirectoryTest, RocksDbDatabaseWithoutTheFormatMarkerIsNotAStore) {
  TempDir dir;
  {
    const auto db = testing::open_plain_rocksdb(dir.sub("db"));
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "someone", "else's").ok());
  }
  try {
    inspect_store(dir.sub("db"));
    FAIL() << "expected NotAStore";
  } catch (const NotAStore& e) {
    EXPECT_NE(std::string(e.what()).find("format marker"), std::string::npos) << e.what();
  }
}

TEST(InspectDirectoryTest, UnreadableDirectoryIsStorageError) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root reads any directory; dump_tool_test covers this case "
                    "by running the tool as an unprivileged user";
  StoreFixture fixture(no_sweeper());
  fixture.store.reset();
  fs::permissions(fixture.dir.sub("store"), fs::perms::none);
  EXPECT_THROW(inspect_store(fixture.dir.sub("store")), StorageError);
}

// Every file's name, size and modification time.
std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> listing(const fs::path& dir) {
  std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    files[entry.path().string()] = {entry.is_regular_file() ? entry.file_size() : 0,
                                    entry.last_write_time()};
  return files;
}

TEST(InspectDirectoryTest, NeverWritesIntoTheStoreDirectory) {
  StoreFixture fixture(no_sweeper());
  RegionConfig config = raw_keys();
  fixture.store->region("r").configure(config);
  fixture.store->region("r").set("k", "v");
  fixture.store.reset();
  const auto before = listing(fixture.dir.path());

  inspect_store(fixture.dir.sub("store"));
  InspectOptions missing_region;
  missing_region.region = "absent";
  EXPECT_THROW(inspect_store(fixture.dir.sub("store"), missing_region), NotFound);

  EXPECT_EQ(listing(fixture.dir.path()), before);
}

// ---- Scratch directories left by killed inspections -------------------------

// Points $TMPDIR (so temp_directory_path) at `dir` while in scope.
class TmpdirOverride {
 public:
  explicit TmpdirOverride(const fs::path& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~TmpdirOverride() {
    if (old_) ::setenv("TMPDIR", old_->c_str(), 1);
    else ::unsetenv("TMPDIR");
  }

 private:
  std::optional<std::string> old_;
};

// The pid of a process that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

fs::path scratch_like(const fs::path& tmp, const std::string& name, bool old) {
  const fs::path dir = tmp / name;
  fs::create_directories(dir);
  std::ofstream(dir / "LOG") << "left behind";
  if (old) fs::last_write_time(dir, fs::file_time_type::clock::now() - minutes(2));
  return dir;
}

TEST(InspectScratchTest, RemovesOnlyScratchDirectoriesOfProcessesThatAreGone) {
  StoreFixture fixture(no_sweeper());
  fixture.store->region("r").configure(raw_keys());
  fixture.store.reset();
  TempDir tmp;
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(::getpid());
  const fs::path abandoned = scratch_like(tmp.path(), "regionkv-inspect-" + dead + "-aB3dE6", true);
  const std::vector<fs::path> kept = {
      scratch_like(tmp.path(), "regionkv-inspect-" + alive + "-aB3dE6", true),  // owner alive
      scratch_like(tmp.path(), "regionkv-inspect-" + dead + "-fResh1", false),  // too recent
      scratch_like(tmp.path(), "regionkv-inspect-aB3dE6", true),  // earlier naming: owner unknown
      scratch_like(tmp.path(), "regionkv-inspect-" + dead, true),  // not our pattern
      scratch_like(tmp.path(), "something-else-" + dead + "-aB3dE6", true),
  };

  {
    TmpdirOverride override(tmp.path());
    inspect_store(fixture.dir.sub("store"));
  }

  EXPECT_FALSE(fs::exists(abandoned));
  for (const auto& dir : kept) EXPECT_TRUE(fs::exists(dir / "LOG")) << dir;
  // And this inspection's own scratch directory is gone too.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(tmp.path())) ++entries;
  EXPECT_EQ(entries, kept.size());
}

// A process killed while inspecting leaves its scratch directory; the pid in
// the name is what lets the next inspection know it is abandoned.
TEST(InspectScratchTest, ScratchDirectoryNamesItsProcess) {
  TempDir tmp;
  TmpdirOverride override(tmp.path());
  const fs::path dir = engine::make_scratch_dir();
  EXPECT_EQ(dir.parent_path(), tmp.path());
  const std::string prefix = "regionkv-inspect-" + std::to_string(::getpid()) + "-";
  EXPECT_EQ(dir.filename().string().substr(0, prefix.size()), prefix);
  EXPECT_TRUE(fs::is_directory(dir));
}

}  // namespace
}  // namespace regionkv
