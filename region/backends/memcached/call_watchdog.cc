#include "region/backends/memcached/call_watchdog.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace regionkv::memcached {
namespace {

using Clock = common::Deadline::Clock;

// After the last call the thread keeps ticking this long, then sleeps until
// a call wakes it.
constexpr std::chrono::seconds kLinger{1};

// The field libmemcached reads at every wait (call_watchdog.h says why a
// store from another thread is sound).
void set_poll_timeout(memcached_st* client, std::chrono::milliseconds timeout) {
  std::atomic_ref<std::int32_t>(client->poll_timeout)
      .store(static_cast<std::int32_t>(timeout.count()), std::memory_order_relaxed);
}

}  // namespace

CallWatchdog::CallWatchdog(std::chrono::milliseconds io_timeout)
    : io_timeout_(io_timeout), tick_(std::max(std::chrono::milliseconds(1), io_timeout / 8)) {}

CallWatchdog::~CallWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (!thread_.joinable()) return;
  // A forked child has the thread's handle but not the thread: joining it
  // would wait forever.
  if (started_by_ == ::getpid()) {
    thread_.join();
  } else {
    thread_.detach();
  }
}

CallWatchdog::Watch::Watch(CallWatchdog& watchdog, memcached_st* client,
                           std::chrono::milliseconds budget)
    : watchdog_(watchdog), client_(client), deadline_(budget) {
  set_poll_timeout(client_, std::min(budget, watchdog_.io_timeout_));
  watchdog_.watch(this);
}

CallWatchdog::Watch::~Watch() {
  watchdog_.unwatch(this);
  set_poll_timeout(client_, watchdog_.io_timeout_);
}

void CallWatchdog::Watch::shorten(Clock::time_point now) const {
  const Clock::duration left = deadline_.at() - now;
  set_poll_timeout(client_, left <= Clock::duration::zero()
                                ? std::chrono::milliseconds(0)
                                : std::min(watchdog_.io_timeout_,
                                           std::chrono::ceil<std::chrono::milliseconds>(left)));
}

void CallWatchdog::watch(Watch* watch) {
  std::unique_lock lock(mutex_);
  watches_.push_back(watch);
  if (ticking_) return;
  ticking_ = true;
  if (!thread_.joinable()) {
    started_by_ = ::getpid();
    thread_ = std::thread([this] { run(); });
    return;
  }
  lock.unlock();
  wake_.notify_one();
}

void CallWatchdog::unwatch(Watch* watch) {
  std::lock_guard lock(mutex_);
  const auto it = std::find(watches_.begin(), watches_.end(), watch);
  *it = watches_.back();
  watches_.pop_back();
}

void CallWatchdog::run() {
  std::unique_lock lock(mutex_);
  Clock::time_point last_busy = Clock::now();
  while (!stopping_) {
    if (!ticking_) {
      wake_.wait(lock, [&] { return stopping_ || ticking_; });
      last_busy = Clock::now();
      continue;
    }
    wake_.wait_for(lock, tick_, [&] { return stopping_; });
    const Clock::time_point now = Clock::now();
    for (const Watch* watch : watches_) watch->shorten(now);
    if (!watches_.empty()) {
      last_busy = now;
    } else if (now - last_busy >= kLinger) {
      ticking_ = false;
    }
  }
}

}  // namespace regionkv::memcached
