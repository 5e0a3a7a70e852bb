// The binding's hold on one open regionkv::Store: the Python Store object,
// and every Region and Lock it hands out, share one StoreHandle.
//
// Why it exists: in C++ a Region or Lock used after its Store is gone is
// undefined behaviour; in Python it must raise regionkv.Error. So every call
// enters the handle first (Call: a count of calls in flight), and close()
// refuses new calls, waits for those in flight, releases the locks still
// held, and only then destroys the Store. Calls may nest (a creator calling
// back into its region): entering counts, it never locks.
//
// Nothing but close() ever waits for close(): a call in flight may be the
// very one close() waits for. So a Lock released or collected while its
// store closes hands its C++ lock to the store (release_orphan), which
// releases it before the Store goes; and close() from inside one of the
// store's own calls raises instead of waiting for itself.
//
// The GIL: calls in flight may need the GIL (a Python creator or key
// mangler), and so may the Store's destruction (dropping a Python key
// mangler), so close() waits and destroys without it.
//
// Lock order: tracked-locks mutex → one LockHandle's mutex.
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
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace regionkv::python {

class LockHandle;
class RegionHandle;

class StoreHandle {
 public:
  // Opens the store; the GIL is released while RocksDB opens it.
  // REQUIRES: the GIL is held.
  static std::shared_ptr<StoreHandle> open(const std::filesystem::path& dir, StoreOptions options);
  // Opens a store without a directory (Store::open_remote).
  // REQUIRES: the GIL is held.
  static std::shared_ptr<StoreHandle> open_remote(StoreOptions options);

  StoreHandle(const StoreHandle&) = delete;
  StoreHandle& operator=(const StoreHandle&) = delete;
  // Closes the store if close() has not. Safe with or without the GIL.
  ~StoreHandle();

  // One call in flight: while it lives, the store stays open.
  class Call {
   public:
    Call(Call&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Call& operator=(Call&&) = delete;
    ~Call();
    Store& store() const { return *handle_->store_; }

   private:
    friend class StoreHandle;
    explicit Call(StoreHandle* handle);
    StoreHandle* handle_;  // null once moved from
  };

  // Enters a call. Throws regionkv::Error if the store is closed or closing.
  Call enter();
  // Enters a call, or nullopt if the store is closed or closing. Never waits.
  std::optional<Call> try_enter();

  // Refuses new calls, waits for the calls in flight, releases every lock
  // still held, and closes the store (stopping its sweeper). Idempotent; a
  // second close() waits for the first. Throws regionkv::Error if called
  // from inside a call on this store (it would wait for itself). Safe with or
  // without the GIL; runs without it.
  void close();
  // True from the moment close() starts.
  bool closed() const { return closing_.load(); }

  // Empty for a store without a directory.
  const std::filesystem::path& directory() const { return directory_; }

  // Locks handed out and not yet destroyed: close() releases them first.
  void track(LockHandle* lock);
  void untrack(LockHandle* lock);
  // For a LockHandle going away while the store closes: takes its C++ lock
  // (if close() has not released it yet) and releases it before the Store
  // is destroyed. Never waits for close().
  void release_orphan(LockHandle* lock);

  // The wrapper of a region, the same object while anyone holds it.
  std::shared_ptr<RegionHandle> region_handle(const std::shared_ptr<StoreHandle>& self,
                                              Region& region);

  // Closes every store still open in the process (at interpreter exit).
  static void close_all();

 private:
  enum class CloseState { kOpen, kDraining, kDestroying, kClosed };

  StoreHandle(std::unique_ptr<Store> store, std::filesystem::path directory);
  // The handle of a store just opened, remembered for close_all().
  static std::shared_ptr<StoreHandle> adopt(std::unique_ptr<Store> store,
                                            std::filesystem::path directory);
  void leave();
  bool inside_a_call_in_this_thread() const;
  void close_without_gil();

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
  std::vector<Lock> orphans_;                                   // guarded by tracked_mutex_
  bool locks_released_ = false;                                 // guarded by tracked_mutex_
  std::map<std::string, std::weak_ptr<RegionHandle>> regions_;  // guarded by tracked_mutex_
};

// "store '<directory>'", or "store without a directory" for an empty one.
std::string describe_store(const std::filesystem::path& directory);

// Raised as regionkv.Error: a Store, Region or Lock used after close().
[[noreturn]] void throw_store_closed(const std::filesystem::path& directory);

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_STORE_HANDLE_H_
