// The sweeper's algorithm
// =======================
//
// Reads never need the sweeper: every read hides a record from its expiry on.
// The sweeper only gives the space back, so it is built to never get in the
// way of users, in the spirit of Redis' active expiry (src/expire.c): a
// bounded amount of work per cycle, resumed where the last cycle stopped.
//
// Targets. A pass visits, in a fixed order (by region name), every RocksDB
// column family of the store (configured in this process or not) and the
// backend of every configured region, for those that keep records elsewhere
// (the memory store; see Backend::sweep_expired). The store lists them
// afresh at the start of each pass, so new regions join the next pass.
//
// Steps and batches. A target is swept in steps of about kStepBudget (5 ms);
// a step reads records in key order and removes expired ones in batches of at
// most kSweepBatchSize (48). A RocksDB batch re-reads its candidates under
// their key stripes and deletes those still expired in one WriteBatch, so a
// writer waits at most for one batch's write, and a record rewritten (or a
// lock re-taken) after the scan is never deleted. Between steps the sweeper
// checks whether the store is closing, which bounds how long close waits.
//
// Budget. A background pass starts every `sweep_interval` and may run for
// kBudgetPercent (10%) of it. When the budget runs out the pass stops where it
// is (target and key), and the next pass resumes there instead of starting
// over, so every record is reached even when a pass cannot finish: a backlog
// drains using at most a tenth of one core, while the rest of the time the
// sweeper sleeps on a condition variable that stop() signals. Deleting is
// not free for the foreground (the deletes share RocksDB's write path and
// cause flushes and compactions), so the share is kept small:
// bench/sweep_benchmark.cc measured foreground throughput at 0.8-1.0x of a
// store without a sweeper while it works through a backlog, against
// 0.7-0.85x with a quarter. The first pass starts when the store opens,
// so a reopened store reclaims what expired while it was closed.
//
// Errors. A step that throws (RocksDB I/O error, a backend failure) is
// counted, reported through the error log and abandoned for this pass; the
// pass goes on with the next target, and the next pass retries. The sweeper
// thread never dies of an error.
//
// sweep_now runs the same pass without a budget, from the first target, in
// the caller's thread; it may overlap a background pass, which is safe because
// every removal re-checks its record atomically.
#include "engine/sweeper.h"

#include <algorithm>
#include <iostream>

namespace regionkv::engine {
namespace {

SteadyTime steady_now() { return std::chrono::steady_clock::now(); }

}  // namespace

Sweeper::Sweeper(Options options) : options_(std::move(options)) {}

Sweeper::~Sweeper() { stop(); }

void Sweeper::start() {
  thread_ = std::thread([this] { run_background(); });
}

void Sweeper::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    stop_requested_ = true;
  }
  stopping_.store(true, std::memory_order_relaxed);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sweeper::run_background() {
  const auto budget =
      std::chrono::duration_cast<std::chrono::microseconds>(options_.interval) *
      kBudgetPercent / 100;
  std::unique_lock lock(wake_mutex_);
  while (!stop_requested_) {
    const SteadyTime started = steady_now();
    lock.unlock();
    run_pass(background_cursor_, started + budget);
    lock.lock();
    wake_.wait_until(lock, started + options_.interval,
                     [this] { return stop_requested_; });
  }
}

std::size_t Sweeper::run_full_pass() {
  Cursor from_start;
  return run_pass(from_start, SteadyTime::max()).removed;
}

Sweeper::PassResult Sweeper::run_pass(Cursor& cursor, SteadyTime deadline) {
  const SteadyTime started = steady_now();
  PassResult result;
  result.complete = false;

  std::vector<SweepTarget> targets;
  try {
    targets = options_.list_targets();
  } catch (const std::exception& e) {
    report_error(std::string("cannot list what to sweep: ") + e.what());
  } catch (...) {
    report_error("cannot list what to sweep: an unknown exception");
  }
  std::sort(targets.begin(), targets.end(),
            [](const SweepTarget& a, const SweepTarget& b) { return a.id < b.id; });
  auto target = std::lower_bound(
      targets.begin(), targets.end(), cursor.target_id,
      [](const SweepTarget& t, const std::string& id) { return t.id < id; });

  bool interrupted = false;
  for (; target != targets.end() && !interrupted; ++target) {
    std::string resume_from = target->id == cursor.target_id ? cursor.resume_from : "";
    for (;;) {
      if (stopping_.load(std::memory_order_relaxed) || steady_now() >= deadline) {
        cursor = Cursor{target->id, std::move(resume_from)};
        interrupted = true;
        break;
      }
      SweepProgress progress;
      try {
        progress = target->sweep_step(options_.clock->now(), resume_from,
                                      std::min(deadline, steady_now() + kStepBudget));
      } catch (const std::exception& e) {
        report_error("sweeping " + target->description +
                     " failed (retried next pass): " + e.what());
        break;
      } catch (...) {
        report_error("sweeping " + target->description +
                     " failed (retried next pass): an unknown exception");
        break;
      }
      result.removed += progress.removed;
      if (progress.removed > 0) {
        std::lock_guard lock(stats_mutex_);
        stats_.records_swept += progress.removed;
      }
      if (!progress.resume_from) break;  // this target is done
      resume_from = std::move(*progress.resume_from);
    }
  }
  if (!interrupted) {
    cursor = Cursor{};
    result.complete = true;
  }

  std::lock_guard lock(stats_mutex_);
  ++stats_.passes;
  if (!result.complete) ++stats_.passes_cut_short;
  stats_.last_pass_duration =
      std::chrono::duration_cast<std::chrono::microseconds>(steady_now() - started);
  return result;
}

void Sweeper::report_error(const std::string& message) {
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.errors;
    stats_.last_error = message;
  }
  if (options_.error_log) {
    try {
      options_.error_log(message);
    } catch (...) {
      // A failing log hook must not stop the sweeper.
    }
  } else {
    std::cerr << "regionkv sweeper: " << message << '\n';
  }
}

SweepStats Sweeper::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

}  // namespace regionkv::engine
