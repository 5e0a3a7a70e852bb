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
  std::string report;   // what the body wrote to its report
};

// Forks; the child runs `body(report)` and ends the way `how` says with the
// status the body returned (1 if it threw). The parent calls `after_fork`
// (if any) once the child exists, then waits up to `limit` for the report
// and the exit together.
//
// A test whose parent keeps working beside the child starts that work from
// `after_fork`, not before the fork: a thread inside malloc at the fork
// leaves the allocator's lock held in the child under AddressSanitizer,
// whose allocator has no fork handlers, and the child hangs.
ForkedChildResult run_in_forked_child(const std::function<int(std::string& report)>& body,
                                      ChildExit how = ChildExit::kExit,
                                      std::chrono::seconds limit = std::chrono::seconds(30),
                                      const std::function<void()>& after_fork = {});

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_FORKED_CHILD_H_
