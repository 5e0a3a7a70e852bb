// The binding's hold on one open regionkv::Store: the Python Store object,
// and every Region and Lock it hands out, share one StoreHandle.
//
// Why it exists: in C++ a Region or Lock used after its Store is gone is
// undefined behaviour; in Python it must raise regionkv.Error. So every call
// enters the handle first (Call: a count of calls in flight), and close()
// refuses new calls, waits for those in flight, releases the locks still
// held, and only then destroys the Store. A Lock object that outlives the
// store finds its C++ lock already released and does nothing. Calls may nest
// (a creator calling back into its region): entering counts, it never locks.
//
// The GIL: a caller never blocks on the handle while holding the GIL. Calls
// in flight may need the GIL (a Python creator or key mangler), and so may
// the Store's destruction (dropping a Python key mangler), so close() and
// every wait for it run without the GIL.
//
// Lock order: tracked-locks mutex → one LockHandle's mutex. Nothing waits
// for close() while holding either.
#ifndef REGIONKV_PYTHON_STORE_HANDLE_H_
#define REGIONKV_PYTHON_STORE_HANDLE_H_

#include <regionkv/regionkv.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace regionkv::python {

class LockHandle;
class RegionHandle;

class StoreHandle {
 public:
  // Opens the store; the GIL is released while RocksDB opens it.
  // REQUIRES: the GIL is held.
  static std::shared_ptr<StoreHandle> open(const std::filesystem::path& dir, StoreOptions options);

  StoreHandle(const StoreHandle&) = delete;
  StoreHandle& operator=(const StoreHandle&) = delete;
  // Closes the store if close() has not. Safe with or without the GIL.
  ~StoreHandle();

  // One call in flight: while it lives, the store stays open. store() is
  // null if the store was closed (only from enter_if_open).
  class Call {
   public:
    Call(Call&& other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)), store_(other.store_) {}
    Call& operator=(Call&&) = delete;
    ~Call() {
      if (handle_) handle_->leave();
    }
    Store* store() const { return store_; }

   private:
    friend class StoreHandle;
    Call(StoreHandle* handle, Store* store) : handle_(handle), store_(store) {}
    StoreHandle* handle_;  // null: nothing to leave
    Store* store_;
  };

  // Enters a call. Throws regionkv::Error if the store is closed or closing.
  // REQUIRES: the GIL is held.
  Call enter();
  // Enters a call, or if the store is closing, waits for close() to finish
  // and returns a Call whose store() is null. For cleanup paths (releasing
  // a lock, a destructor) that must know whether close() has done their
  // work already. Safe with or without the GIL.
  Call enter_if_open();

  // Waits for the calls in flight, releases every lock still held, and
  // closes the store (stopping its sweeper). Idempotent. Safe with or
  // without the GIL; runs without it.
  void close();
  // True from the moment close() starts.
  bool closed() const { return closing_.load(); }

  const std::filesystem::path& directory() const { return directory_; }

  // Locks handed out and not yet destroyed: close() releases them first.
  void track(LockHandle* lock);
  void untrack(LockHandle* lock);

  // The wrapper of a region, the same object while anyone holds it.
  std::shared_ptr<RegionHandle> region_handle(const std::shared_ptr<StoreHandle>& self,
                                              Region& region);

  // Closes every store still open in the process (at interpreter exit).
  static void close_all();

 private:
  enum class CloseState { kOpen, kDraining, kDestroying, kClosed };

  StoreHandle(std::unique_ptr<Store> store, std::filesystem::path directory);
  // Counts a call in; false (and nothing counted) once closing.
  bool try_enter();
  void leave();
  void close_without_gil();
  void wait_until_closed_without_gil();

  const std::filesystem::path directory_;
  // Both seq_cst: a caller increments then reads closing_, close() sets
  // closing_ then reads the count, so one of them sees the other.
  std::atomic<bool> closing_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::mutex close_mutex_;
  std::condition_variable close_changed_;
  CloseState close_state_ = CloseState::kOpen;  // guarded by close_mutex_
  // Set at open; reset by the one close() that reaches kDestroying, when no
  // call is in flight and none can start.
  std::unique_ptr<Store> store_;

  std::mutex tracked_mutex_;
  std::set<LockHandle*> locks_;                                 // guarded by tracked_mutex_
  std::map<std::string, std::weak_ptr<RegionHandle>> regions_;  // guarded by tracked_mutex_
};

// Raised as regionkv.Error: a Store, Region or Lock used after close().
[[noreturn]] void throw_store_closed(const std::filesystem::path& directory);

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_STORE_HANDLE_H_
