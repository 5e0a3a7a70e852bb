// A child process whose stdin and stdout are pipes to the test: for tests
// where a second OS process takes part (a lock contender), driven line by
// line and paused with SIGSTOP. Does not depend on GoogleTest.
#ifndef REGIONKV_TESTS_SUPPORT_PIPED_CHILD_H_
#define REGIONKV_TESTS_SUPPORT_PIPED_CHILD_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace regionkv::testing {

// Killed (SIGKILL) and reaped by the destructor if it is still running; dies
// with the test process (PR_SET_PDEATHSIG).
class PipedChild {
 public:
  // Forks and execs args[0] (a path) with `args`. Throws std::runtime_error.
  explicit PipedChild(std::vector<std::string> args);
  PipedChild(const PipedChild&) = delete;
  PipedChild& operator=(const PipedChild&) = delete;
  ~PipedChild();

  // The next line the child prints; throws std::runtime_error after
  // `timeout` or at end of output.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  void write_line(const std::string& line);
  // Return once the child has stopped (SIGSTOP) or continued (SIGCONT):
  // signals are delivered asynchronously.
  void pause();
  void resume();
  // Its exit status once it exits; -1 if it was killed by a signal.
  int wait();

 private:
  void signal_and_wait(int signal, int wait_for);

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string buffered_;
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_PIPED_CHILD_H_
