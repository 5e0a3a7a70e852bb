// Durable writes that share their fsync: the commit path of
// Durability::kPowerLoss.
//
// Why RocksDB's own group commit is not enough. RocksDB already writes
// every writer queued behind a leader with one WAL fsync, but a writer that
// must wait for its write to be durable has one write in flight at a time.
// With two such writers, A leads a group of one and fsyncs; B arrives and
// waits; when A's fsync ends, B leads a group of one while A is still on its
// way back with its next write. Each group holds one writer, and two
// writers gain little over one (1.24× measured, docs/benchmarks.md).
//
// What the pipeline adds: after a commit, the writers it released come back
// within microseconds (their next write is a little CPU away), while an
// fsync takes about a millisecond. So the next leader waits, briefly, for
// them. The algorithm, with one mutex:
//   - A writer queues its batch. If no leader is committing, it becomes the
//     leader; otherwise it sleeps until a leader has committed its batch (or
//     leadership is free, and it leads).
//   - The leader gathers: while fewer writers are queued than the number
//     that took part in the previous commit (its group plus those that
//     queued during its fsync), it waits for more, at most half the recent
//     commit time. A single writer never waits: the previous commit had one
//     writer. A writer that stopped writing costs one such wait, after which
//     the expectation drops to what was seen.
//   - The leader takes every queued batch, copies them into one WriteBatch in
//     queue order (its own batch alone is written as it is), and commits it
//     with one Write(sync = true), outside the mutex. Writers arriving
//     meanwhile queue for the next leader.
//   - It hands the status to every writer of the group, wakes them, and
//     wakes the first queued writer to lead the next group.
//
// What it guarantees, and why:
//   - A write returns OK only once its bytes are fsynced: its batch was part
//     of a Write with sync = true that returned OK.
//   - No reader sees a write before it is durable: RocksDB inserts a synced
//     batch into the memtable and publishes it only after the WAL fsync
//     (unlike Write(sync = false) followed by SyncWAL(), which would let
//     readers see writes that a power loss would undo).
//   - Each batch is applied wholly or not at all, since the group is one
//     atomic WriteBatch; a failed commit fails every writer in it with the
//     same status, and none of their batches is applied.
//   - A writer has one write in flight (write() blocks), so its writes are
//     committed in its order; batches of one group are applied in queue
//     order.
//   - The destructor waits until every write has returned.
//
// Thread-safe.
#ifndef REGIONKV_ENGINE_COMMIT_PIPELINE_H_
#define REGIONKV_ENGINE_COMMIT_PIPELINE_H_

#include <rocksdb/status.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace regionkv::engine {

class CommitPipeline {
 public:
  // Writes one batch durably (for a store: DB::Write with sync = true).
  // Called by one leader at a time, never under the pipeline's mutex.
  using Commit = std::function<rocksdb::Status(rocksdb::WriteBatch& batch)>;

  struct Options {
    // Upper bound of a leader's wait for the writers it expects.
    std::chrono::microseconds max_gather_wait{2000};
    // A leader waits at most half a commit's (smoothed) duration too, so
    // that gathering never costs more than it can save. Tests turn it off,
    // to see who is gathered without depending on how threads are scheduled.
    bool gather_within_half_a_commit = true;
    // For tests: called by the destructor, under the pipeline's mutex, each
    // time it finds writes still in flight (how many) and waits for them.
    std::function<void(std::size_t writes_in_flight)> on_destructor_wait;
  };

  struct Stats {
    std::uint64_t commits = 0;        // calls of Commit
    std::uint64_t batches = 0;        // writes committed (or failed) by them
    std::uint64_t gathers = 0;        // commits whose leader waited for others
    std::uint64_t gathers_timed_out = 0;  // ... and stopped at its bound
    std::size_t largest_group = 0;
    std::size_t waiting = 0;          // writers queued now (not committing)
  };

  explicit CommitPipeline(Commit commit) : CommitPipeline(std::move(commit), Options()) {}
  CommitPipeline(Commit commit, Options options);
  // Waits until every write() has returned. REQUIRES: no write() starts
  // once destruction has begun.
  ~CommitPipeline();
  CommitPipeline(const CommitPipeline&) = delete;
  CommitPipeline& operator=(const CommitPipeline&) = delete;

  // Returns once `batch` is committed, possibly with others' batches, with
  // the status of that commit. `batch` is only read, and only until then.
  rocksdb::Status write(rocksdb::WriteBatch& batch);

  Stats stats() const;

 private:
  struct Writer;

  // Waits (on lock) for as many queued writers as the previous commit had,
  // at most the gather bound. REQUIRES: mutex_ held by `lock`; leading_.
  void gather(std::unique_lock<std::mutex>& lock);
  std::chrono::nanoseconds gather_bound() const;  // REQUIRES: mutex_ held

  const Commit commit_;
  const Options options_;

  mutable std::mutex mutex_;
  std::condition_variable more_writers_;  // a writer queued; for the leader
  std::condition_variable drained_;       // active_writers_ fell to 0
  std::deque<Writer*> queue_;             // guarded by mutex_
  bool leading_ = false;                  // guarded by mutex_
  std::size_t active_writers_ = 0;        // inside write(); guarded by mutex_
  std::size_t expected_writers_ = 1;      // guarded by mutex_
  std::chrono::nanoseconds commit_time_{0};  // moving average; guarded by mutex_
  Stats stats_;                           // guarded by mutex_
};

// One batch holding every operation of `batches`, in order: the batches'
// bytes concatenated, as RocksDB appends batches to one another within a
// write group. Relies on the WAL's batch format (a 12-byte header: sequence
// number and count, then the records), which RocksDB keeps readable across
// releases; tests/engine/commit_pipeline_test.cc checks it against the
// installed RocksDB.
rocksdb::WriteBatch merge_batches(const std::vector<const rocksdb::WriteBatch*>& batches);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_COMMIT_PIPELINE_H_
