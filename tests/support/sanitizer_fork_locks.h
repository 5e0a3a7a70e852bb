// fork() under AddressSanitizer: the handlers every test program registers
// (sanitizer_fork_locks.cc says why), and the allocator lock they take, for
// the test that shows a child forked while another thread holds it does not
// hang.
#ifndef REGIONKV_TESTS_SUPPORT_SANITIZER_FORK_LOCKS_H_
#define REGIONKV_TESTS_SUPPORT_SANITIZER_FORK_LOCKS_H_

namespace regionkv::testing {

// True under AddressSanitizer once the handlers are registered (before main).
bool sanitizer_fork_locks_registered();

// Takes and releases ASan's allocator lock, as a thread inside malloc does;
// the holder must not allocate meanwhile. No-ops without AddressSanitizer.
void hold_sanitizer_allocator_lock();
void release_sanitizer_allocator_lock();

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_SANITIZER_FORK_LOCKS_H_
