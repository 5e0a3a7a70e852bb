#include "store_handle.h"

#include <Python.h>

#include <algorithm>
#include <iterator>
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

std::string describe_store(const std::filesystem::path& directory) {
  if (directory.empty()) return "store without a directory";
  return "store '" + directory.string() + "'";
}

void throw_store_closed(const std::filesystem::path& directory) {
  throw Error(describe_store(directory) + " is closed");
}

StoreHandle::StoreHandle(std::unique_ptr<Store> store, std::filesystem::path directory)
    : directory_(std::move(directory)), store_(std::move(store)) {}

std::shared_ptr<StoreHandle> StoreHandle::open(const std::filesystem::path& dir,
                                               StoreOptions options) {
  return adopt(without_gil([&] { return Store::open(dir, std::move(options)); }), dir);
}

std::shared_ptr<StoreHandle> StoreHandle::open_remote(StoreOptions options) {
  return adopt(without_gil([&] { return Store::open_remote(std::move(options)); }), {});
}

std::shared_ptr<StoreHandle> StoreHandle::adopt(std::unique_ptr<Store> store,
                                                std::filesystem::path directory) {
  std::shared_ptr<StoreHandle> handle(new StoreHandle(std::move(store), std::move(directory)));
  remember(handle);
  return handle;
}

// Never inside a call on this store: every call holds a reference to it.
StoreHandle::~StoreHandle() {
  release_gil_while([&] { close_without_gil(); });
}

namespace {

// The calls this thread is inside, innermost last: close() refuses to wait
// for one of them, which would be waiting for itself.
thread_local std::vector<const StoreHandle*> calls_in_this_thread;

}  // namespace

StoreHandle::Call::Call(StoreHandle* handle) : handle_(handle) {
  calls_in_this_thread.push_back(handle);
}

StoreHandle::Call::~Call() {
  if (!handle_) return;
  auto innermost = std::find(calls_in_this_thread.rbegin(), calls_in_this_thread.rend(), handle_);
  calls_in_this_thread.erase(std::next(innermost).base());
  handle_->leave();
}

bool StoreHandle::inside_a_call_in_this_thread() const {
  return std::find(calls_in_this_thread.begin(), calls_in_this_thread.end(), this) !=
         calls_in_this_thread.end();
}

std::optional<StoreHandle::Call> StoreHandle::try_enter() {
  in_flight_.fetch_add(1);
  if (!closing_.load()) return Call(this);
  leave();
  return std::nullopt;
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
  std::optional<Call> call = try_enter();
  if (!call) throw_store_closed(directory_);
  return std::move(*call);
}

void StoreHandle::close() {
  if (inside_a_call_in_this_thread())
    throw Error(describe_store(directory_) +
                " cannot be closed from inside one of its own calls (a creator or key "
                "mangler): close() waits for that call to finish");
  release_gil_while([&] { close_without_gil(); });
}

void StoreHandle::close_without_gil() {
  if (store_ && !store_->opened_in_this_process()) {
    // A forked child's copy (its interpreter exiting): no call of the
    // child's can be in flight (each refused), and waiting for the parent's
    // calls, or releasing the parent's locks, would wait for ever. The
    // Store's destructor leaves the store to the parent.
    closing_.store(true);
    store_.reset();
    return;
  }
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
    orphans_.clear();  // ~Lock releases each
    locks_released_ = true;
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

void StoreHandle::release_orphan(LockHandle* lock) {
  std::lock_guard tracked(tracked_mutex_);
  locks_.erase(lock);
  std::optional<Lock> held = lock->surrender();
  if (!held) return;
  if (!locks_released_) {
    orphans_.push_back(std::move(*held));
    return;
  }
  // Unreachable: close() released every tracked lock, this one included,
  // before it set locks_released_. Were it reached, destroying the Lock
  // would touch the destroyed Store; leaking it is harmless.
  new Lock(std::move(*held));
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
