#include "lock_handle.h"

#include <utility>

#include "gil.h"

namespace regionkv::python {

LockHandle::LockHandle(std::shared_ptr<StoreHandle> store, Lock lock, pybind11::object key)
    : store_(std::move(store)),
      key_(std::move(key)),
      fencing_token_(lock.fencing_token()),
      acquired_at_(lock.acquired_at()),
      lock_(std::move(lock)) {
  store_->track(this);
}

LockHandle::~LockHandle() {
  std::optional<StoreHandle::Call> call = store_->try_enter();
  if (!call) {
    store_->release_orphan(this);  // closing: close() releases it
    return;
  }
  store_->untrack(this);
  auto held = lock_mutex();
  if (lock_) release_gil_while([&] { lock_.reset(); });  // ~Lock releases, never throws
}

std::unique_lock<std::mutex> LockHandle::lock_mutex() {
  std::unique_lock held(mutex_, std::try_to_lock);
  // The holder may be waiting for the GIL (a Python key mangler).
  if (!held.owns_lock()) release_gil_while([&] { held.lock(); });
  return held;
}

void LockHandle::release() {
  const std::optional<StoreHandle::Call> call = store_->try_enter();
  if (!call) return;
  auto held = lock_mutex();
  if (!lock_) return;
  active_.store(false, std::memory_order_release);
  // Lock::release marks the lock released before it asks the store, so a
  // failure (a server down) still leaves it released; the lease runs out.
  std::optional<Lock> releasing = std::exchange(lock_, std::nullopt);
  without_gil([&] { releasing->release(); });
}

void LockHandle::release_for_close() {
  std::lock_guard held(mutex_);
  store_closed_ = true;
  active_.store(false, std::memory_order_release);
  lock_.reset();
}

std::optional<Lock> LockHandle::surrender() {
  auto held = lock_mutex();
  store_closed_ = true;
  active_.store(false, std::memory_order_release);
  return std::exchange(lock_, std::nullopt);
}

}  // namespace regionkv::python
