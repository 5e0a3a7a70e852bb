#include "store_handle.h"

#include <Python.h>

#include <utility>
#include <vector>

#include "gil.h"
#include "lock_handle.h"
#include "region_handle.h"

namespace regionkv::python {
namespace {

// Every handle opened in this process, for close_all() at interpreter exit.
// Weak: the registry never keeps a store open.
std::mutex open_handles_mutex;
std::vector<std::weak_ptr<StoreHandle>> open_handles;  // guarded by open_handles_mutex

void remember(const std::shared_ptr<StoreHandle>& handle) {
  std::lock_guard lock(open_handles_mutex);
  std::erase_if(open_handles, [](const auto& weak) { return weak.expired(); });
  open_handles.push_back(handle);
}

}  // namespace

void throw_store_closed(const std::filesystem::path& directory) {
  throw Error("store '" + directory.string() + "' is closed");
}

StoreHandle::StoreHandle(std::unique_ptr<Store> store, std::filesystem::path directory)
    : directory_(std::move(directory)), store_(std::move(store)) {}

std::shared_ptr<StoreHandle> StoreHandle::open(const std::filesystem::path& dir,
                                               StoreOptions options) {
  std::unique_ptr<Store> store = without_gil([&] { return Store::open(dir, std::move(options)); });
  std::shared_ptr<StoreHandle> handle(new StoreHandle(std::move(store), dir));
  remember(handle);
  return handle;
}

StoreHandle::~StoreHandle() { close(); }

bool StoreHandle::try_enter() {
  in_flight_.fetch_add(1);
  if (!closing_.load()) return true;
  leave();
  return false;
}

void StoreHandle::leave() {
  if (in_flight_.fetch_sub(1) == 1 && closing_.load()) {
    // Under the mutex, so that close() cannot miss it between its check of
    // the count and its wait.
    std::lock_guard lock(close_mutex_);
    close_changed_.notify_all();
  }
}

StoreHandle::Call StoreHandle::enter() {
  if (!try_enter()) throw_store_closed(directory_);
  return Call(this, store_.get());
}

StoreHandle::Call StoreHandle::enter_if_open() {
  if (try_enter()) return Call(this, store_.get());
  release_gil_while([&] { wait_until_closed_without_gil(); });
  return Call(nullptr, nullptr);
}

void StoreHandle::wait_until_closed_without_gil() {
  std::unique_lock lock(close_mutex_);
  close_changed_.wait(lock, [&] { return close_state_ == CloseState::kClosed; });
}

void StoreHandle::close() {
  release_gil_while([&] { close_without_gil(); });
}

void StoreHandle::close_without_gil() {
  {
    std::unique_lock lock(close_mutex_);
    closing_.store(true);
    if (close_state_ == CloseState::kOpen) close_state_ = CloseState::kDraining;
    close_changed_.wait(lock, [&] { return in_flight_.load() == 0; });
    if (close_state_ != CloseState::kDraining) {
      // Another close() is destroying the store: done when it is.
      close_changed_.wait(lock, [&] { return close_state_ == CloseState::kClosed; });
      return;
    }
    close_state_ = CloseState::kDestroying;
  }
  // Outside the mutex: destroying a Python key mangler takes the GIL, whose
  // holder may be about to leave() a call.
  {
    std::lock_guard tracked(tracked_mutex_);
    for (LockHandle* held : locks_) held->release_for_close();
  }
  store_.reset();  // stops the sweeper, then closes RocksDB
  {
    std::lock_guard lock(close_mutex_);
    close_state_ = CloseState::kClosed;
  }
  close_changed_.notify_all();
}

void StoreHandle::track(LockHandle* lock) {
  std::lock_guard tracked(tracked_mutex_);
  locks_.insert(lock);
}

void StoreHandle::untrack(LockHandle* lock) {
  std::lock_guard tracked(tracked_mutex_);
  locks_.erase(lock);
}

std::shared_ptr<RegionHandle> StoreHandle::region_handle(const std::shared_ptr<StoreHandle>& self,
                                                         Region& region) {
  std::lock_guard tracked(tracked_mutex_);
  std::weak_ptr<RegionHandle>& cached = regions_[region.name()];
  if (auto existing = cached.lock()) return existing;
  auto created = std::make_shared<RegionHandle>(self, region);
  cached = created;
  return created;
}

void StoreHandle::close_all() {
  std::vector<std::shared_ptr<StoreHandle>> handles;
  {
    std::lock_guard lock(open_handles_mutex);
    for (const auto& weak : open_handles)
      if (auto handle = weak.lock()) handles.push_back(std::move(handle));
    open_handles.clear();
  }
  for (const auto& handle : handles) handle->close();
}

}  // namespace regionkv::python
