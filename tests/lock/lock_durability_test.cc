// Locks of the RocksDB store across restarts and crashes: fencing tokens
// never go back, a lock whose holder was killed blocks others until its
// lease runs out, and a spent lock record deleted behind the lock table's
// back stays deleted.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "common/little_endian.h"
#include "region/store_internals.h"
#include "tests/lock/lock_test_support.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<Store> open_store(const std::filesystem::path& dir,
                                  std::shared_ptr<TimeSource> clock = nullptr) {
  StoreOptions options;
  options.time_source = std::move(clock);
  options.sweep_interval = milliseconds(0);
  return Store::open(dir, std::move(options));
}

Region& locks_region(Store& store, int max_lock_attempts = 15) {
  Region& region = store.region("locks");
  RegionConfig config;
  config.max_lock_attempts = max_lock_attempts;
  region.configure(config);
  return region;
}

TEST(LockDurabilityTest, FencingTokensIncreaseAcrossReopen) {
  TempDir dir;
  std::uint64_t last = 0;
  for (int run = 0; run < 3; ++run) {
    auto store = open_store(dir.sub("store"));
    Region& region = locks_region(*store);
    for (int i = 0; i < 5; ++i) {
      Lock lock = region.get_lock("key-" + std::to_string(i));
      EXPECT_GT(lock.fencing_token(), last) << "run " << run << ", lock " << i;
      last = lock.fencing_token();
    }
  }
}

// What the child tells the parent about the lock it holds.
struct HeldLock {
  std::uint64_t fencing_token;
  std::int64_t acquired_at_ms;
};

// In the child: open the store, take the lock, report it, wait to be killed.
[[noreturn]] void hold_lock_until_killed(const std::filesystem::path& dir, int report_fd) {
  try {
    auto store = open_store(dir);  // the system clock
    Region& region = locks_region(*store);
    Lock lock = region.get_lock("k");
    const HeldLock held{lock.fencing_token(), common::to_unix_ms(lock.acquired_at())};
    if (::write(report_fd, &held, sizeof held) != sizeof held) ::_exit(3);
    for (;;) ::pause();
  } catch (...) {
    ::_exit(2);
  }
}

TEST(LockDurabilityTest, KilledHoldersLockIsTakenOverOnlyOnceItsLeaseRunsOut) {
  TempDir dir;
  const auto path = dir.sub("store");
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(report[0]);
    hold_lock_until_killed(path, report[1]);
  }
  ::close(report[1]);
  HeldLock held{};
  const ssize_t got = ::read(report[0], &held, sizeof held);
  ::close(report[0]);
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(got, static_cast<ssize_t>(sizeof held)) << "the child did not take the lock";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  // The parent's clock starts where the child took the lock.
  auto clock = std::make_shared<ManualTimeSource>(common::from_unix_ms(held.acquired_at_ms));
  auto store = open_store(path, clock);
  Region& region = locks_region(*store, /*max_lock_attempts=*/1);
  clock->advance(kDefaultLease - milliseconds(1));
  EXPECT_THROW(region.get_lock("k"), LockUnavailable);
  clock->advance(milliseconds(1));
  Lock taken = region.get_lock("k");
  EXPECT_GT(taken.fencing_token(), held.fencing_token);
}

TEST(LockDurabilityTest, HeldLockRecordIsLoadedAtReopen) {
  TempDir dir;
  auto clock = std::make_shared<ManualTimeSource>(common::from_unix_ms(1'700'000'000'000));
  std::uint64_t token = 0;
  {
    auto store = open_store(dir.sub("store"), clock);
    Region& region = locks_region(*store);
    // The record stays as a crash would leave it: a Lock must not outlive its
    // store, so take it through the backend, which leaves it unreleased.
    const LockAttempt attempt =
        region.lock_backend().try_lock("_lock" + xxh3_mangle_key("k"),
                                  LeaseTerms{clock->now(), kDefaultLease});
    ASSERT_TRUE(attempt.grant);
    token = attempt.grant->fencing_token;
  }
  auto store = open_store(dir.sub("store"), clock);
  Region& region = locks_region(*store, /*max_lock_attempts=*/1);
  EXPECT_THROW(region.get_lock("k"), LockUnavailable);
  clock->advance(kDefaultLease);
  EXPECT_GT(region.get_lock("k").fencing_token(), token);
}

// The sweeper deletes spent lock records without telling the lock table;
// the holder's late release and a new grant must cope.
// A user's store, locked by locking::DefaultLocks, that an earlier release
// wrote: it kept the last token at "_lock#fencing". Tokens continue above it;
// a lock record of the stored key "#fencing" (the same key) is not a counter.
TEST(LockDurabilityTest, DefaultLocksContinueAboveAnEarlierReleasesCounter) {
  register_values_only_store();
  TempDir dir;
  auto store = open_store(dir.sub("store"));
  RegionConfig config;
  config.backing_store = kValuesOnlyStore;
  Region& upgraded = store->region("upgraded");
  upgraded.configure(config);
  std::string last_token;
  common::append_u64(last_token, 41'000);
  upgraded.backend().set("_lock#fencing", last_token, std::nullopt);
  EXPECT_GT(upgraded.get_lock("k").fencing_token(), 41'000u);

  Region& fresh = store->region("fresh");
  fresh.configure(config);
  fresh.backend().set("_lock#fencing", std::string(24, '\x7f'), std::nullopt);
  EXPECT_EQ(fresh.get_lock("k").fencing_token(), 1u);
}

TEST(LockDurabilityTest, SweptSpentLockStaysDeleted) {
  StoreOptions options;
  options.sweep_interval = milliseconds(0);
  StoreFixture fixture(options);
  Region& region = fixture.region("locks");
  RegionConfig config;
  config.enable_key_mangler = false;
  region.configure(config);
  Lock spent = region.get_lock("k");
  fixture.clock->advance(kDefaultLease);
  fixture.store->sweep_now();
  EXPECT_THROW(region.set("k", "v", spent), LockTimeout);
  spent.release();
  engine::Engine& engine = StoreInternals::engine(*fixture.store);
  std::string bytes;
  EXPECT_TRUE(engine.db()
                  .Get(rocksdb::ReadOptions(), engine.find_column_family("locks"), "_lockk",
                       &bytes)
                  .IsNotFound());
  Lock fresh = region.get_lock("k");
  EXPECT_GT(fresh.fencing_token(), 0u);
  EXPECT_NO_THROW(region.set("k", "v", fresh));
}

}  // namespace
}  // namespace regionkv::testing
