// regionkv.Lock: a regionkv::Lock that may outlive its store harmlessly.
//
// The C++ Lock must not outlive its Store; a Python object can. The handle is
// tracked by its StoreHandle, whose close() releases it first
// (release_for_close); afterwards the handle holds no C++ lock, so its
// destructor and release() do nothing. One released or destroyed while the
// store closes leaves the release to close() (release_orphan), without
// waiting for it. A Lock may be passed between Python threads: every use of
// the C++ lock holds the handle's mutex.
#ifndef REGIONKV_PYTHON_LOCK_HANDLE_H_
#define REGIONKV_PYTHON_LOCK_HANDLE_H_

#include <pybind11/pybind11.h>
#include <regionkv/regionkv.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "store_handle.h"

namespace regionkv::python {

class LockHandle {
 public:
  // `key` is the caller's key object, returned by key().
  // REQUIRES: a Call on `store` is in flight, and the GIL is held.
  LockHandle(std::shared_ptr<StoreHandle> store, Lock lock, pybind11::object key);
  LockHandle(const LockHandle&) = delete;
  LockHandle& operator=(const LockHandle&) = delete;
  // Releases the lock if it is still held. REQUIRES: the GIL is held.
  ~LockHandle();

  bool active() const { return active_.load(std::memory_order_acquire); }
  const pybind11::object& key() const { return key_; }
  std::uint64_t fencing_token() const { return fencing_token_; }
  TimePoint acquired_at() const { return acquired_at_; }

  // Idempotent. Nothing to do once the store is closing: close() releases
  // the lock. REQUIRES: the GIL is held.
  void release();

  // Runs `write(lock)` with the C++ lock (an inactive one once released),
  // holding this handle's mutex so that no release or close interleaves.
  // Throws regionkv::Error if the lock's store was closed.
  // REQUIRES: the GIL is held; `write` runs with it.
  template <typename Write>
  void write_under(Write&& write);

  // For StoreHandle::close, when no call is in flight: releases the lock.
  // REQUIRES: the GIL is not held.
  void release_for_close();
  // For StoreHandle::release_orphan: hands over the C++ lock, if still held.
  std::optional<Lock> surrender();

 private:
  std::unique_lock<std::mutex> lock_mutex();

  const std::shared_ptr<StoreHandle> store_;
  const pybind11::object key_;
  const std::uint64_t fencing_token_;
  const TimePoint acquired_at_;

  std::mutex mutex_;
  std::optional<Lock> lock_;   // guarded by mutex_; empty once released
  bool store_closed_ = false;  // guarded by mutex_
  std::atomic<bool> active_{true};
};

template <typename Write>
void LockHandle::write_under(Write&& write) {
  static const Lock kReleased;
  auto held = lock_mutex();
  if (store_closed_) throw_store_closed(store_->directory());
  write(lock_ ? *lock_ : kReleased);
}

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_LOCK_HANDLE_H_
