// Runs a piece of the test in a forked child, as a pre-forking server runs
// its workers: the child inherits everything the test opened.
#ifndef REGIONKV_TESTS_SUPPORT_FORKED_CHILD_H_
#define REGIONKV_TESTS_SUPPORT_FORKED_CHILD_H_

#include <chrono>
#include <functional>
#include <string>

namespace regionkv::testing {

enum class ChildExit {
  kExit,       // std::exit(status): exit handlers and static destructors run
  kUnderscoreExit,  // _exit(status): nothing runs
};

struct ForkedChildResult {
  bool hung = false;    // still running at the deadline (then killed)
  int exit_status = -1; // -1 if it did not exit normally (a signal)
  std::string report;   // what the body wrote to its report; if it hung,
                        // then where (its threads' stacks)
};

// Forks; the child runs `body(report)` and ends the way `how` says with the
// status the body returned (1 if it threw). The parent calls `after_fork`
// (if any) once the child exists, then waits up to `limit` for the report
// and the exit together.
//
// A test whose parent keeps working beside the child starts that work from
// `after_fork`, not before the fork: its threads then run beside the child
// as they would in a real service. (A thread inside malloc at the fork no
// longer hangs the child under AddressSanitizer: sanitizer_fork_locks.cc.)
ForkedChildResult run_in_forked_child(const std::function<int(std::string& report)>& body,
                                      ChildExit how = ChildExit::kExit,
                                      std::chrono::seconds limit = std::chrono::seconds(30),
                                      const std::function<void()>& after_fork = {});

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_FORKED_CHILD_H_
