// Lets a child forked from a process that used RocksDB exit without hanging.
//
// RocksDB's background threads (its Env's thread pools, its periodic-task
// timer) live in static objects that stay alive after every database has
// closed. fork() copies them into the child without their threads, and at
// exit() their destructors wait for those threads' condition variables for
// ever (glibc's pthread_cond_destroy waits for waiters that exist only in
// the parent): a child that returns from main, or a Python worker that
// exits, hangs.
//
// So once a process has opened a database, each child it forks ends exit()
// early: a handler registered in the child (and so run before every exit
// handler and static destructor registered before the fork) flushes stdio
// and calls _exit() with exit()'s status. Handlers the child registers
// itself still run; those inherited from before the fork do not.
#ifndef REGIONKV_ENGINE_FORKED_CHILD_EXIT_H_
#define REGIONKV_ENGINE_FORKED_CHILD_EXIT_H_

namespace regionkv::engine {

// Call before opening a RocksDB database. Idempotent, thread-safe.
void protect_forked_children_from_rocksdb_exit();

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_FORKED_CHILD_EXIT_H_
