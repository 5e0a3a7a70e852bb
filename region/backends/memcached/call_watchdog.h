// A deadline for each call of the libmemcached driver, which libmemcached
// does not have.
//
// libmemcached bounds each wait for a server (a poll(2) of at most the
// client's poll timeout, MEMCACHED_BEHAVIOR_POLL_TIMEOUT), not a call: a
// server that drips its answer, a byte within every wait, holds a call for as
// long as the answer lasts (a megabyte at a byte every 300 ms: days).
//
// The watchdog works through the one setting libmemcached reads afresh at
// every wait: the client's poll timeout (memcached_st::poll_timeout, read as
// each wait starts; 0 fails the wait at once with MEMCACHED_TIMEOUT, "timeout
// was set to zero": memcached_io_poll in libmemcached 1.1's io.cc). A call
// starts with it at io_timeout. While calls are under way a thread wakes
// every tick, an eighth of io_timeout, and lowers each call's poll timeout to
// the time left before the call's deadline, 0 once it has passed. A wait that
// starts after a tick therefore ends by the deadline plus a tick, and so does
// the call: it ends within its budget and an eighth of io_timeout more, on a
// machine that runs the thread on time. No wait is longer than io_timeout,
// as before.
//
// The thread writes the field while the call's thread may be reading it in
// libmemcached: a relaxed atomic store of an aligned 32-bit setting, read
// whole once per wait. libmemcached itself rewrites the field only while it
// purges a backlog of unread answers (purge.cc, at 500 requests in flight,
// which the driver never reaches); a lowering lost to that is redone at the
// next tick.
//
// Connecting is not the poll timeout's: libmemcached bounds a connect by the
// client's connect timeout, and the driver gives a call that must connect
// that much more budget (libmemcached_driver.cc).
//
// Idle, the thread sleeps until a call starts; it keeps ticking for a second
// after the last call ended, so that calls made one after another do not each
// have to wake it.
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_CALL_WATCHDOG_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_CALL_WATCHDOG_H_

#include <libmemcached/memcached.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/deadline.h"

namespace regionkv::memcached {

// Thread-safe.
class CallWatchdog {
 public:
  // `io_timeout`: the longest single wait, and what a tick is an eighth of.
  explicit CallWatchdog(std::chrono::milliseconds io_timeout);
  CallWatchdog(const CallWatchdog&) = delete;
  CallWatchdog& operator=(const CallWatchdog&) = delete;
  // Stops the thread. REQUIRES: no Watch is alive.
  ~CallWatchdog();

  // One call on `client`, watched from construction to destruction: its
  // waits end by `budget` from now (and a tick). Destruction leaves the
  // client's poll timeout at io_timeout. REQUIRES: the caller has `client`
  // to itself meanwhile.
  class Watch {
   public:
    Watch(CallWatchdog& watchdog, memcached_st* client, std::chrono::milliseconds budget);
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    ~Watch();

    // Whether the call's budget has run out: a MEMCACHED_TIMEOUT the call
    // met may be the watchdog's doing.
    bool expired() const { return deadline_.passed(); }
    std::chrono::milliseconds budget() const { return deadline_.budget(); }

   private:
    friend class CallWatchdog;
    // Lowers the client's poll timeout to what is left at `now`.
    void shorten(common::Deadline::Clock::time_point now) const;

    CallWatchdog& watchdog_;
    memcached_st* const client_;
    const common::Deadline deadline_;
  };

 private:
  void watch(Watch* watch);
  void unwatch(Watch* watch);
  void run();

  const std::chrono::milliseconds io_timeout_;
  const std::chrono::milliseconds tick_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Watch*> watches_;  // guarded by mutex_
  bool ticking_ = false;         // guarded by mutex_; the thread waits a tick at most
  bool stopping_ = false;        // guarded by mutex_
  std::thread thread_;           // started by the first Watch
  pid_t started_by_ = 0;         // the process whose thread thread_ is
};

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_CALL_WATCHDOG_H_
