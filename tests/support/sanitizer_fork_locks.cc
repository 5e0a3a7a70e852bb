// Makes fork() safe for the tests under AddressSanitizer, as glibc makes it
// safe for its own malloc.
//
// A forked child has one thread. If another thread of the parent held a lock
// of ASan's allocator, thread registry or stack depot at the fork, the
// child's first malloc waits for it for ever: the store's RocksDB threads
// start and allocate just after Store::open, so a test forking right after
// an open can hang its child (the likeliest cause of the one failure of
// BackupTest.AForkedChildIsRefusedAndWritesNothing in CI's ASan run).
// Clang 14's runtime has no fork handlers; LLVM 18's takes these same locks
// around fork() (InstallAtForkHandler). Until Debian's clang does, every
// test program registers them before main, so that their prepare handler
// runs after every other one (which may allocate) and their child handler
// before every other one.
//
// The functions are the runtime's own, declared weak: a runtime without
// them leaves the fork unguarded. Clang's static runtime has them; GCC's
// libasan.so does not export them, which is why the asan preset builds
// with clang.
#include "tests/support/sanitizer_fork_locks.h"

#if defined(__SANITIZE_ADDRESS__)  // GCC
#define REGIONKV_TESTS_UNDER_ASAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define REGIONKV_TESTS_UNDER_ASAN 1
#endif
#endif

#ifdef REGIONKV_TESTS_UNDER_ASAN

#include <pthread.h>

// Declared by the runtime's internal headers, which are not installed.
namespace __lsan {
[[gnu::weak]] void LockThreadRegistry();
[[gnu::weak]] void UnlockThreadRegistry();
[[gnu::weak]] void LockAllocator();
[[gnu::weak]] void UnlockAllocator();
}  // namespace __lsan
namespace __sanitizer {
[[gnu::weak]] void StackDepotLockAll();
[[gnu::weak]] void StackDepotUnlockAll();
}  // namespace __sanitizer

namespace regionkv::testing {
namespace {

bool runtime_has_the_locks() {
  return __lsan::LockThreadRegistry && __lsan::UnlockThreadRegistry && __lsan::LockAllocator &&
         __lsan::UnlockAllocator && __sanitizer::StackDepotLockAll &&
         __sanitizer::StackDepotUnlockAll;
}

void before_fork() {
  __lsan::LockThreadRegistry();
  __lsan::LockAllocator();
  __sanitizer::StackDepotLockAll();
}

void after_fork() {
  __sanitizer::StackDepotUnlockAll();
  __lsan::UnlockAllocator();
  __lsan::UnlockThreadRegistry();
}

// Before main: before the library or any test registers a handler.
const bool registered =
    runtime_has_the_locks() && pthread_atfork(&before_fork, &after_fork, &after_fork) == 0;

}  // namespace

bool sanitizer_fork_locks_registered() { return registered; }
void hold_sanitizer_allocator_lock() { __lsan::LockAllocator(); }
void release_sanitizer_allocator_lock() { __lsan::UnlockAllocator(); }

}  // namespace regionkv::testing

#else

namespace regionkv::testing {

bool sanitizer_fork_locks_registered() { return false; }
void hold_sanitizer_allocator_lock() {}
void release_sanitizer_allocator_lock() {}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_UNDER_ASAN
