// Where a region's fencing tokens come from. Every store draws them through
// this one interface:
//   rocksdb        ReservedFencingCounter, the bound in the store's metadata
//   DefaultLocks   ReservedFencingCounter, the bound a value of the store
//   memory         InProcessFencingCounter: the map dies with the process
//   memcached      a counter on the servers, "incr" (memcached_locks.cc)
// A store draws a token inside the atomic step that grants the lock, so the
// grants of one key carry increasing tokens in the order they are made.
// Thread-safe, but for InProcessFencingCounter.
#ifndef REGIONKV_LOCK_FENCING_COUNTER_H_
#define REGIONKV_LOCK_FENCING_COUNTER_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

namespace regionkv::lock {

class FencingCounter {
 public:
  virtual ~FencingCounter() = default;
  // A token larger than every one this counter issued before, across
  // restarts where the counter is durable. `lock_key`: the lock record the
  // token is for (a counter on servers may send on that record's connection).
  // Throws StorageError if the counter cannot be read or advanced.
  virtual std::uint64_t next(std::string_view lock_key) = 0;
};

// Strictly increasing also across restarts and crashes, without a durable
// write per token: tokens are reserved in blocks. Before the first token of a
// block is handed out, the block's upper bound is persisted; after a restart
// counting resumes above the last persisted bound, so a token is never
// handed out twice, and a crash only skips the rest of a block.
class ReservedFencingCounter final : public FencingCounter {
 public:
  static constexpr std::uint64_t kBlockSize = 65536;

  // `load` returns the last bound `persist` made durable (nullopt: none yet);
  // it is called once, on the first next(). `persist(bound)` returns once
  // the bound is durable, or throws.
  ReservedFencingCounter(std::function<std::optional<std::uint64_t>()> load,
                         std::function<void(std::uint64_t bound)> persist);

  std::uint64_t next(std::string_view lock_key) override;

 private:
  const std::function<std::optional<std::uint64_t>()> load_;
  const std::function<void(std::uint64_t)> persist_;
  std::mutex mutex_;
  bool loaded_ = false;             // guarded by mutex_
  std::uint64_t last_issued_ = 0;   // guarded by mutex_
  std::uint64_t reserved_up_to_ = 0;  // guarded by mutex_; durable
};

// Counts from 1 in this process's memory. Not thread-safe by itself: its
// owner serialises every next() (the memory store draws tokens inside its
// map's mutex, which an uncontended atomic increment would cost a third of
// a lock cycle on top of).
class InProcessFencingCounter final : public FencingCounter {
 public:
  std::uint64_t next(std::string_view /*lock_key*/) override { return ++last_issued_; }

 private:
  std::uint64_t last_issued_ = 0;
};

}  // namespace regionkv::lock

#endif  // REGIONKV_LOCK_FENCING_COUNTER_H_
