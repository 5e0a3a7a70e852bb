// What the lock benchmarks and their floors share: a scratch directory, the
// keys each thread locks, and the bytes a lock record occupies, so that the
// floors write exactly what regionkv writes.
#ifndef REGIONKV_BENCH_LOCK_BENCH_SUPPORT_H_
#define REGIONKV_BENCH_LOCK_BENCH_SUPPORT_H_

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "regionkv/key_mangler.h"
#include "regionkv/region.h"

namespace regionkv::bench {

// A fresh directory under the system temp dir, removed with its contents.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "regionkv-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The raw key a benchmark thread locks: its own, or the one every thread
// fights for in the _Contended variants.
inline std::string bench_key(const benchmark::State& state, bool contended) {
  return contended ? std::string("contended-key")
                   : "key-" + std::to_string(state.thread_index());
}

// The key regionkv stores the lock of `raw_key` under with the default
// mangler: "_lock" + 32 hex characters.
inline std::string lock_record_key(std::string_view raw_key) {
  return "_lock" + xxh3_mangle_key(raw_key);
}

// A value as long as a lock record: 16-byte record header + 24-byte lease.
inline std::string lock_record_value() { return std::string(40, 'L'); }

// Seconds each fsync-bound benchmark runs at least, whatever
// --benchmark_min_time says: enough for a few hundred cycles.
inline constexpr double kFsyncBoundMinTime = 2.0;

// The measured loop of every BM_LockCycle_*: take the thread's key (or the
// contended one) and release it, as fast as the region allows.
inline void lock_cycles(benchmark::State& state, Region& region, bool contended) {
  const std::string key = bench_key(state, contended);
  for (auto _ : state) {
    Lock lock = region.get_lock(key);
    lock.release();
  }
  state.SetItemsProcessed(state.iterations());
}

// Every lock benchmark runs at 1 and 2 threads and reports cycles per second
// of wall-clock time (I/O-bound work makes CPU time meaningless).
inline void one_and_two_threads(benchmark::internal::Benchmark* b) {
  b->Threads(1)->Threads(2)->UseRealTime();
}

// The fsync-bound benchmarks on distinct keys also run at 4 and 8 threads:
// how writers share an fsync is what they measure.
inline void one_to_eight_threads(benchmark::internal::Benchmark* b) {
  b->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();
}

}  // namespace regionkv::bench

#endif  // REGIONKV_BENCH_LOCK_BENCH_SUPPORT_H_
