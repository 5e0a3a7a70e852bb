#include "engine/commit_pipeline.h"

#include <algorithm>
#include <string>

namespace regionkv::engine {
namespace {

using Clock = std::chrono::steady_clock;

// The WAL's batch header: sequence number (fixed64), count (fixed32).
constexpr std::size_t kBatchHeaderSize = 12;

void put_fixed32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

}  // namespace

rocksdb::WriteBatch merge_batches(const std::vector<const rocksdb::WriteBatch*>& batches) {
  std::size_t size = kBatchHeaderSize;
  std::uint32_t count = 0;
  for (const auto* batch : batches) {
    size += batch->GetDataSize() - kBatchHeaderSize;
    count += batch->Count();
  }
  std::string bytes(kBatchHeaderSize, '\0');
  bytes.reserve(size);
  for (const auto* batch : batches)
    bytes.append(batch->Data().data() + kBatchHeaderSize, batch->GetDataSize() - kBatchHeaderSize);
  put_fixed32(bytes, 8, count);
  return rocksdb::WriteBatch(bytes);
}

struct CommitPipeline::Writer {
  rocksdb::WriteBatch* batch;
  rocksdb::Status status;
  bool done = false;
  std::condition_variable wake;  // done, or leadership is free
};

CommitPipeline::CommitPipeline(Commit commit, Options options)
    : commit_(std::move(commit)), options_(std::move(options)) {}

CommitPipeline::~CommitPipeline() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] {
    if (active_writers_ > 0 && options_.on_destructor_wait)
      options_.on_destructor_wait(active_writers_);
    return active_writers_ == 0;
  });
}

CommitPipeline::Stats CommitPipeline::stats() const {
  std::lock_guard lock(mutex_);
  Stats stats = stats_;
  stats.waiting = queue_.size();
  return stats;
}

std::chrono::nanoseconds CommitPipeline::gather_bound() const {
  if (!options_.gather_within_half_a_commit) return options_.max_gather_wait;
  return std::min<std::chrono::nanoseconds>(commit_time_ / 2, options_.max_gather_wait);
}

void CommitPipeline::gather(std::unique_lock<std::mutex>& lock) {
  if (queue_.size() >= expected_writers_) return;
  ++stats_.gathers;
  const auto deadline = Clock::now() + gather_bound();
  if (!more_writers_.wait_until(lock, deadline,
                                [this] { return queue_.size() >= expected_writers_; }))
    ++stats_.gathers_timed_out;
}

rocksdb::Status CommitPipeline::write(rocksdb::WriteBatch& batch) {
  Writer self{&batch};
  std::unique_lock lock(mutex_);
  ++active_writers_;
  // The last thing each write does under the mutex; the destructor waits
  // for it.
  const auto leave = [this](const rocksdb::Status& status) {
    if (--active_writers_ == 0) drained_.notify_all();
    return status;
  };
  queue_.push_back(&self);
  if (leading_) {
    more_writers_.notify_one();  // a gathering leader may be waiting for us
    self.wake.wait(lock, [&] { return self.done || !leading_; });
    if (self.done) return leave(self.status);
  }
  leading_ = true;
  gather(lock);

  std::vector<Writer*> group(queue_.begin(), queue_.end());
  queue_.clear();
  lock.unlock();

  const auto started = Clock::now();
  rocksdb::Status status;
  if (group.size() == 1) {
    status = commit_(*group.front()->batch);
  } else {
    std::vector<const rocksdb::WriteBatch*> batches;
    batches.reserve(group.size());
    for (const Writer* writer : group) batches.push_back(writer->batch);
    rocksdb::WriteBatch merged = merge_batches(batches);
    status = commit_(merged);
  }
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started);

  lock.lock();
  commit_time_ = commit_time_.count() == 0 ? took : (commit_time_ * 7 + took) / 8;
  // Those released now will be back, with those that queued meanwhile.
  expected_writers_ = group.size() + queue_.size();
  ++stats_.commits;
  stats_.batches += group.size();
  stats_.largest_group = std::max(stats_.largest_group, group.size());
  for (Writer* writer : group) {
    writer->status = status;
    writer->done = true;
    if (writer != &self) writer->wake.notify_one();
  }
  leading_ = false;
  if (!queue_.empty()) queue_.front()->wake.notify_one();  // leads the next group
  return leave(status);
}

}  // namespace regionkv::engine
