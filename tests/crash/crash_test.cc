// The kill -9 harness: rounds of a writer process killed at a random point,
// then the store reopened and checked against the writer's expected-state
// log: no acknowledged write lost, the in-flight operation applied wholly or
// not at all, no record corrupt, fencing tokens never going backwards, and a
// dead holder's lock taken over after its lease and not before.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "engine/engine.h"
#include "engine/record.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/crash/crash_config.h"
#include "tests/crash/expected_state.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

pid_t start_writer(const std::filesystem::path& store, const std::filesystem::path& log,
                   std::uint64_t seed, const char* durability) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string seed_text = std::to_string(seed);
    execl(REGIONKV_CRASH_WRITER, REGIONKV_CRASH_WRITER, store.c_str(), log.c_str(),
          seed_text.c_str(), durability, static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

struct CrashTotals {
  int rounds = 0;
  std::size_t operations_verified = 0;
  std::size_t in_flight_at_kill = 0;
  std::size_t grants = 0;
  std::size_t dead_holders_taken_over = 0;
};

class CrashHarness {
 public:
  CrashHarness(Durability durability, std::uint64_t seed)
      : durability_(durability), random_(seed) {}

  void run_round() {
    const std::filesystem::path log = dir_.sub("round-" + std::to_string(totals_.rounds) + ".log");
    const pid_t writer = start_writer(dir_.sub("store"), log, random_(),
                                      durability_ == Durability::kPowerLoss ? "power-loss"
                                                                            : "process-crash");
    ASSERT_GT(writer, 0);
    // Slow builds (sanitizers, fsync on a busy disk) take a while to open the
    // store: start the kill timer once the writer has logged something.
    for (int waited = 0; waited < 3000 && (!std::filesystem::exists(log) ||
                                           std::filesystem::file_size(log) == 0);
         ++waited)
      std::this_thread::sleep_for(milliseconds(10));
    std::this_thread::sleep_for(milliseconds(150 + random_() % 350));
    kill(writer, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(writer, &status, 0), writer);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself with status "
                                     << WEXITSTATUS(status) << " (see its stderr)";
    ++totals_.rounds;

    const RoundLog round = parse_round_log(log);
    const auto in_flight = expected_.apply(round);
    for (const auto& op : round.operations) totals_.operations_verified += op.acknowledged;
    totals_.in_flight_at_kill += in_flight.has_value();
    totals_.grants += round.grants.size();

    auto clock = std::make_shared<ManualTimeSource>(Clock::now());
    StoreOptions options;
    options.durability = durability_;
    options.sweep_interval = milliseconds(0);
    options.time_source = clock;
    auto store = Store::open(dir_.sub("store"), options);
    Region& region = store->region("crash");
    region.configure(crash_region_config());

    check_values(region, in_flight);
    check_every_record_decodes(*store);
    check_tokens(round);
    take_over_dead_holders(region, *clock, round);
  }

  const CrashTotals& totals() const { return totals_; }

 private:
  void check_values(Region& region, const std::optional<LoggedOperation>& in_flight) {
    std::map<std::string, std::optional<std::string>> actual;
    for (int i = 0; i < kCrashKeyCount; ++i) {
      const std::string key = "k" + std::to_string(i);
      actual[key] = region.find(key);
    }
    const auto violations = expected_.verify_and_adopt(actual, in_flight);
    for (const auto& violation : violations)
      ADD_FAILURE() << "round " << totals_.rounds << ": " << violation;
  }

  void check_every_record_decodes(Store& store) {
    auto& engine = StoreInternals::engine(store);
    std::unique_ptr<rocksdb::Iterator> it(
        engine.db().NewIterator(rocksdb::ReadOptions(), engine.column_family("crash")));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      EXPECT_NO_THROW(engine::decode_record(it->value().ToStringView()))
          << "round " << totals_.rounds << ": corrupt record at " << it->key().ToString();
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }

  void check_tokens(const RoundLog& round) {
    for (const auto& grant : round.grants) {
      EXPECT_GT(grant.fencing_token, highest_token_)
          << "round " << totals_.rounds << ": token went backwards on " << grant.key;
      highest_token_ = std::max(highest_token_, grant.fencing_token);
    }
  }

  // A lock held at the kill stays held until its lease runs out, then any
  // caller may take it. Afterwards every key's lock is taken and released
  // once with the clock past all leases, so the next round starts free.
  void take_over_dead_holders(Region& region, ManualTimeSource& clock, const RoundLog& round) {
    for (const auto& grant : round.grants) {
      // A release in flight at the kill may or may not have happened.
      if (grant.released || grant.release_started) continue;
      const TimePoint lease_end = common::from_unix_ms(grant.lease_end_ms);
      clock.set(std::max(Clock::now(), lease_end - milliseconds(1500)));
      EXPECT_THROW(region.get_lock(grant.key), LockUnavailable)
          << "round " << totals_.rounds << ": dead holder's lock on " << grant.key
          << " taken before its lease ran out";
      clock.set(lease_end);
      Lock lock = region.get_lock(grant.key);
      EXPECT_GT(lock.fencing_token(), grant.fencing_token);
      highest_token_ = std::max(highest_token_, lock.fencing_token());
      ++totals_.dead_holders_taken_over;
    }
    clock.set(Clock::now() + std::chrono::minutes(1));
    for (int i = 0; i < kCrashKeyCount; ++i) {
      Lock lock = region.get_lock("k" + std::to_string(i));
      EXPECT_GT(lock.fencing_token(), highest_token_);
      highest_token_ = lock.fencing_token();
    }
  }

  const Durability durability_;
  std::mt19937_64 random_;
  TempDir dir_;
  ExpectedState expected_;
  std::uint64_t highest_token_ = 0;
  CrashTotals totals_;
};

int rounds_from_environment(int fallback) {
  const char* text = std::getenv("REGIONKV_CRASH_ROUNDS");
  return text ? std::max(1, std::atoi(text)) : fallback;
}

// REGIONKV_CRASH_SEED replays a run; otherwise a fresh seed, printed.
std::uint64_t seed_from_environment() {
  const char* text = std::getenv("REGIONKV_CRASH_SEED");
  return text ? std::strtoull(text, nullptr, 10) : std::random_device{}();
}

void run_rounds(Durability durability) {
  const std::uint64_t seed = seed_from_environment();
  std::cout << "crash seed: " << seed << " (replay with REGIONKV_CRASH_SEED=" << seed << ")"
            << std::endl;
  SCOPED_TRACE("crash seed " + std::to_string(seed));
  CrashHarness harness(durability, seed);
  const int rounds = rounds_from_environment(30);
  for (int i = 0; i < rounds && !::testing::Test::HasFailure(); ++i) harness.run_round();
  const CrashTotals& t = harness.totals();
  std::cout << "crash rounds: " << t.rounds << ", acknowledged operations verified: "
            << t.operations_verified << ", in flight at the kill: " << t.in_flight_at_kill
            << ", lock grants checked: " << t.grants
            << ", dead holders taken over: " << t.dead_holders_taken_over << std::endl;
  EXPECT_EQ(t.rounds, rounds);
  EXPECT_GT(t.operations_verified, 0u);
}

TEST(CrashTest, KillNineRoundsLoseNoAcknowledgedWriteProcessCrashDurability) {
  run_rounds(Durability::kProcessCrash);
}

TEST(CrashTest, KillNineRoundsLoseNoAcknowledgedWritePowerLossDurability) {
  run_rounds(Durability::kPowerLoss);
}

}  // namespace
}  // namespace regionkv::testing
