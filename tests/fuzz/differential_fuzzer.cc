// Differential fuzzing: a random sequence of operations (set, erase, the
// multi calls, lock, locked writes, unlock, advancing the manual clock,
// sweeping, closing and reopening the store) is applied both to regionkv —
// a RocksDB-backed and a memory-backed region — and to a plain in-memory
// model of the spec, and every key's visible value is compared after each
// step. Any difference aborts with the step that caused it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "regionkv/regionkv.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kKeys = 6;
constexpr milliseconds kExpireTime{1000};
constexpr milliseconds kLockTimeout{2000};
constexpr milliseconds kLease = kLockTimeout + milliseconds(1000);
const TimePoint kStart = TimePoint(std::chrono::hours(24 * 365 * 40));

[[noreturn]] void mismatch(const std::string& what) {
  std::fprintf(stderr, "differential mismatch: %s\n", what.c_str());
  std::abort();
}

// Reads the fuzzer's bytes as small numbers; zeros once exhausted.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return offset_ >= size_; }
  std::uint8_t byte() { return done() ? 0 : data_[offset_++]; }
  std::string key() { return "k" + std::to_string(byte() % kKeys); }
  std::string value() {
    std::string v(byte() % 8, '\0');
    for (auto& c : v) c = static_cast<char>(byte());
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, offset_ = 0;
};

RegionConfig fuzz_config(const std::string& backing_store) {
  RegionConfig config;
  config.backing_store = backing_store;
  config.expire_time = kExpireTime;
  config.no_expiry_keys = {"k0"};
  config.lock_timeout = kLockTimeout;
  config.max_lock_attempts = 1;
  return config;
}

// The spec's behaviour for one region, in the plainest terms.
struct RegionModel {
  struct Value {
    std::string bytes;
    TimePoint written;
  };
  struct LockRecord {
    std::uint64_t token;
    TimePoint acquired;
  };
  std::map<std::string, Value> values;
  std::map<std::string, LockRecord> locks;
  std::uint64_t last_token = 0;

  std::optional<std::string> visible(const std::string& key, TimePoint now) const {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    if (key != "k0" && now >= it->second.written + kExpireTime) return std::nullopt;
    return it->second.bytes;
  }
  bool lock_live(const std::string& key, std::uint64_t token, TimePoint now) const {
    auto it = locks.find(key);
    return it != locks.end() && it->second.token == token && now < it->second.acquired + kLease;
  }
  bool lock_free(const std::string& key, TimePoint now) const {
    auto it = locks.find(key);
    return it == locks.end() || now >= it->second.acquired + kLease;
  }
};

class Differential {
 public:
  Differential() { open(); }
  ~Differential() {
    for (auto& side : sides_) side.held.clear();  // locks before the store
  }

  // Opening a store per input would cost most of the run, so one store
  // serves every input: each starts with the locks released, a day passed
  // (every lease and value expired) and every key erased. Tokens carry on.
  void start_input() {
    for (auto& side : sides_) {
      side.held.clear();
      side.region->erase_multi(all_keys());
      side.model.values.clear();
      side.model.locks.clear();
    }
    clock_->advance(std::chrono::hours(24));
    compare();
  }

  void step(Input& in) {
    Side& side = sides_[in.byte() % 2];
    const TimePoint now = clock_->now();
    switch (in.byte() % 13) {
      case 0: {
        const std::string k = in.key(), v = in.value();
        side.region->set(k, v);
        side.model.values[k] = {v, now};
        break;
      }
      case 1: {
        const std::string k = in.key();
        const bool present = side.model.visible(k, now).has_value();
        expect_outcome<NotFound>([&] { side.region->erase(k); }, !present, "erase " + k);
        side.model.values.erase(k);
        break;
      }
      case 2: {
        const std::string k = in.key();
        if (side.region->find(k) != side.model.visible(k, now)) mismatch("find " + k);
        break;
      }
      case 3: {
        const std::vector<std::string> keys{in.key(), in.key()};
        bool all = true;
        std::vector<std::string> expected;
        for (const auto& k : keys) {
          auto v = side.model.visible(k, now);
          all = all && v.has_value();
          if (v) expected.push_back(*v);
        }
        std::vector<std::string> got;
        expect_outcome<NotFound>([&] { got = side.region->get_multi(keys); }, !all, "get_multi");
        if (all && got != expected) mismatch("get_multi values");
        break;
      }
      case 4: {
        std::map<std::string, std::string> items;
        for (int i = 0, n = 1 + in.byte() % 3; i < n; ++i) items[in.key()] = in.value();
        side.region->set_multi(items);
        for (const auto& [k, v] : items) side.model.values[k] = {v, now};
        break;
      }
      case 5: {
        const std::vector<std::string> keys{in.key(), in.key()};
        side.region->erase_multi(keys);
        for (const auto& k : keys) side.model.values.erase(k);
        break;
      }
      case 6: {
        const std::string k = in.key();
        const bool free = side.model.lock_free(k, now);
        std::optional<Lock> lock;
        expect_outcome<LockUnavailable>([&] { lock = side.region->get_lock(k); }, !free,
                                        "get_lock " + k);
        if (!free) break;
        if (lock->fencing_token() <= side.model.last_token) mismatch("fencing token went back");
        side.model.last_token = lock->fencing_token();
        side.model.locks[k] = {lock->fencing_token(), now};
        side.held.erase(k);  // a stale Lock of ours: its release must change nothing
        side.held.emplace(k, std::move(*lock));
        break;
      }
      case 7:
      case 8: {
        const std::string k = in.key();
        auto held = side.held.find(k);
        if (held == side.held.end()) break;
        const Lock& lock = held->second;
        const bool in_time = now + milliseconds(1000) <= lock.acquired_at() + kLockTimeout;
        const bool holds = in_time && side.model.lock_live(k, lock.fencing_token(), now);
        if (in.byte() % 2 == 0) {
          const std::string v = in.value();
          expect_outcome<LockTimeout>([&] { side.region->set(k, v, lock); }, !holds,
                                      "locked set " + k);
          if (holds) side.model.values[k] = {v, now};
        } else {
          const bool present = side.model.visible(k, now).has_value();
          try {
            side.region->erase(k, lock);
            if (!holds || !present) mismatch("locked erase of " + k + " succeeded");
          } catch (const LockTimeout&) {
            if (holds) mismatch("locked erase of " + k + ": unexpected LockTimeout");
          } catch (const NotFound&) {
            if (!holds || present) mismatch("locked erase of " + k + ": unexpected NotFound");
          }
          if (holds) side.model.values.erase(k);
        }
        break;
      }
      case 9: {
        const std::string k = in.key();
        auto held = side.held.find(k);
        if (held == side.held.end()) break;
        release(side, held->first, held->second);
        side.held.erase(held);
        break;
      }
      case 10:
        clock_->advance(milliseconds(50) * in.byte());
        break;
      case 11:
        store_->sweep_now();
        break;
      case 12:
        reopen();
        break;
    }
    compare();
  }

 private:
  struct Side {
    Region* region = nullptr;
    RegionModel model;
    std::map<std::string, Lock> held;
  };

  template <typename Expected, typename Call>
  void expect_outcome(Call call, bool should_throw, const std::string& what) {
    try {
      call();
      if (should_throw) mismatch(what + ": succeeded, expected an exception");
    } catch (const Expected& e) {
      if (!should_throw) mismatch(what + ": unexpected " + e.what());
    }
  }

  void release(Side& side, const std::string& key, Lock& lock) {
    const std::uint64_t token = lock.fencing_token();
    lock.release();
    auto it = side.model.locks.find(key);
    if (it != side.model.locks.end() && it->second.token == token) side.model.locks.erase(it);
  }

  void open() {
    StoreOptions options;
    options.time_source = clock_;
    options.sweep_interval = milliseconds(0);
    store_ = Store::open(dir_.sub("store"), options);
    sides_[0].region = &store_->region("persistent");
    sides_[0].region->configure(fuzz_config("rocksdb"));
    sides_[1].region = &store_->region("volatile");
    sides_[1].region->configure(fuzz_config("memory"));
  }

  void reopen() {
    for (auto& side : sides_) {
      for (auto& [key, lock] : side.held) release(side, key, lock);
      side.held.clear();
    }
    store_.reset();
    sides_[1].model = RegionModel{};  // memory does not survive a close
    open();
  }

  static std::vector<std::string> all_keys() {
    std::vector<std::string> keys;
    for (int i = 0; i < kKeys; ++i) keys.push_back("k" + std::to_string(i));
    return keys;
  }

  void compare() {
    const TimePoint now = clock_->now();
    for (auto& side : sides_)
      for (int i = 0; i < kKeys; ++i) {
        const std::string k = "k" + std::to_string(i);
        if (side.region->find(k) != side.model.visible(k, now))
          mismatch("visible value of " + k + " in " + side.region->name());
      }
  }

  TempDir dir_;
  std::shared_ptr<ManualTimeSource> clock_ = std::make_shared<ManualTimeSource>(kStart);
  std::unique_ptr<Store> store_;
  Side sides_[2];
};

}  // namespace
}  // namespace regionkv::testing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto* differential = new regionkv::testing::Differential();  // lives until exit
  regionkv::testing::Input in(data, size);
  differential->start_input();
  for (int steps = 0; !in.done() && steps < 200; ++steps) differential->step(in);
  return 0;
}
