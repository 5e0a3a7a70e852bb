#include "tests/support/forked_child.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace regionkv::testing {

ForkedChildResult run_in_forked_child(const std::function<int(std::string& report)>& body,
                                      ChildExit how, std::chrono::seconds limit) {
  int report_pipe[2];
  if (pipe(report_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(report_pipe[0]);
    std::string report;
    int status = 1;
    try {
      status = body(report);
    } catch (const std::exception& e) {
      report += std::string("uncaught: ") + e.what();
    }
    for (std::size_t sent = 0; sent < report.size();) {
      const ssize_t n = write(report_pipe[1], report.data() + sent, report.size() - sent);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    close(report_pipe[1]);
    if (how == ChildExit::kExit) std::exit(status);
    _exit(status);
  }
  close(report_pipe[1]);
  ForkedChildResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(report_pipe[0], buffer, sizeof buffer)) > 0;)
    result.report.append(buffer, static_cast<std::size_t>(n));
  close(report_pipe[0]);
  // The report's end does not mean the child has exited: exit may hang.
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.hung = true;
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  return result;
}

}  // namespace regionkv::testing
