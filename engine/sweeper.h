// The store's sweeper: removes expired records from every region, in a
// background thread and on demand (Store::sweep_now). sweeper.cc explains
// the algorithm; docs/expiry.md how it cooperates with the compaction filter.
#ifndef REGIONKV_ENGINE_SWEEPER_H_
#define REGIONKV_ENGINE_SWEEPER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/column_family_sweep.h"
#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

namespace regionkv::engine {

// One keyspace the sweeper walks: a region's column family, or a backend that
// keeps its records elsewhere (Backend::sweep_expired).
struct SweepTarget {
  std::string id;           // targets are visited in id order; a pass resumes by id
  std::string description;  // for error messages, e.g. "region 'tokens' (memory)"
  // Removes what is expired at `now` from `resume_from` ("": the start),
  // returning by about `deadline`; may throw.
  std::function<SweepProgress(TimePoint now, std::string_view resume_from,
                              SteadyTime deadline)>
      sweep_step;
};

// Thread-safe.
class Sweeper {
 public:
  struct Options {
    // Time between the starts of background passes; 0: no background thread.
    std::chrono::milliseconds interval{0};
    // The store's clock: what is expired is decided by it.
    std::shared_ptr<const TimeSource> clock;
    // What to sweep, listed afresh at the start of every pass.
    std::function<std::vector<SweepTarget>()> list_targets;
    // Where a failed step is reported; null: a line on stderr.
    std::function<void(std::string_view message)> error_log;
  };

  // A background pass may run for this share of the interval.
  static constexpr int kBudgetPercent = 10;
  // Each call into a target returns after about this long, so a closing
  // store's sweeper stops promptly whatever its budget.
  static constexpr std::chrono::milliseconds kStepBudget{5};

  explicit Sweeper(Options options);
  ~Sweeper();  // stop()
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // Starts the background thread, whose first pass begins at once.
  // REQUIRES: interval > 0; called at most once.
  void start();
  // Stops the background thread, interrupting a pass within one step.
  // Idempotent.
  void stop();

  // One complete pass over every target, without a time budget, in the
  // calling thread. Returns records removed.
  std::size_t run_full_pass();

  SweepStats stats() const;

 private:
  // Where a cut-short pass resumes.
  struct Cursor {
    std::string target_id;
    std::string resume_from;
  };
  struct PassResult {
    std::size_t removed = 0;
    bool complete = true;
  };

  void run_background();
  PassResult run_pass(Cursor& cursor, SteadyTime deadline);
  void report_error(const std::string& message);

  const Options options_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;        // guarded by wake_mutex_
  std::atomic<bool> stopping_{false};  // the same, read between steps
  std::thread thread_;
  Cursor background_cursor_;  // used only by the background thread

  mutable std::mutex stats_mutex_;
  SweepStats stats_;  // guarded by stats_mutex_
};

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_SWEEPER_H_
