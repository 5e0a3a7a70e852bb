// Tells a handle whether it is being used in a child forked after it was
// made.
//
// After fork() the child holds a copy of every object of the parent, but
// none of its threads and none of its fcntl locks: a store's sweeper, the
// RocksDB background threads and the directory lock stay with the parent.
// A child writing through its copy would write the parent's files behind
// the parent's back (lost writes, a corrupt log), so a handle made before
// the fork refuses every call in the child, and the child abandons it
// instead of closing it (closing would flush and sync the parent's files
// and wait for threads the child does not have).
//
// fork() gives the child a new process generation (a pthread_atfork
// handler); checking is one relaxed atomic load.
#ifndef REGIONKV_COMMON_FORK_GUARD_H_
#define REGIONKV_COMMON_FORK_GUARD_H_

#include <cstdint>
#include <memory>
#include <string_view>

namespace regionkv::common {

// Thread-safe.
class ForkGuard {
 public:
  ForkGuard();
  // True in a process forked (directly or not) from the one that made this
  // guard, after it was made.
  bool inherited() const noexcept;
  // Throws StorageError "<what>: ..." saying why a forked child may not,
  // and what to do instead. For a caller that found inherited() true.
  [[noreturn]] void refuse(std::string_view what) const;

 private:
  std::uint64_t generation_;
  int made_by_pid_;
};

// Keeps `object` alive and reachable for the rest of the process without
// running its destructor: what a forked child does with the handles it
// inherited. Reachable, so leak checkers do not report it.
void abandon_in_child(std::shared_ptr<void> object);
template <class T>
void abandon_in_child(std::unique_ptr<T> object) {
  // A shared_ptr that never deletes: the object stays as the fork left it.
  abandon_in_child(std::shared_ptr<void>(object.release(), [](void*) {}));
}

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_FORK_GUARD_H_
