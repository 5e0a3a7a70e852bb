#include "tests/support/forked_child.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/support/subprocess.h"

namespace regionkv::testing {

namespace {

// Where a hung child is stuck, for the failing test's message: each
// thread's stack when gdb is installed, else the kernel's wait channel.
std::string where_it_hangs(pid_t pid) {
  const std::string gdb = "/usr/bin/gdb";
  if (std::filesystem::exists(gdb)) {
    const ProgramRun run = run_program(
        "/usr/bin/timeout",
        {"60", gdb, "-nx", "-batch", "-p", std::to_string(pid), "-ex", "thread apply all bt"},
        RunOptions{.stderr_into_stdout = true});
    return run.out;
  }
  std::ifstream wchan("/proc/" + std::to_string(pid) + "/wchan");
  std::stringstream channel;
  channel << wchan.rdbuf();
  return "waiting in " + channel.str() + " (install gdb for its stacks)";
}

// Kills the child and collects it: it outlived the test's limit.
ForkedChildResult hung_child(pid_t pid, ForkedChildResult result) {
  result.report += "\n[the child hung: " + where_it_hangs(pid) + "]";
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  result.hung = true;
  return result;
}

}  // namespace

ForkedChildResult run_in_forked_child(const std::function<int(std::string& report)>& body,
                                      ChildExit how, std::chrono::seconds limit,
                                      const std::function<void()>& after_fork) {
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
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (after_fork) after_fork();
  ForkedChildResult result;
  // A child that hangs before its report ends must not hang the test.
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd report{report_pipe[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&report, 1, static_cast<int>(left.count())) == 0) {
      close(report_pipe[0]);
      return hung_child(pid, std::move(result));
    }
    char buffer[4096];
    const ssize_t n = read(report_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.report.append(buffer, static_cast<std::size_t>(n));
  }
  close(report_pipe[0]);
  // The report's end does not mean the child has exited: exit may hang.
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) return hung_child(pid, std::move(result));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  return result;
}

}  // namespace regionkv::testing
