#include "tests/support/piped_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace regionkv::testing {

using std::chrono::milliseconds;

PipedChild::PipedChild(std::vector<std::string> args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int to_child[2], from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed");
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  stdin_ = to_child[1];
  stdout_ = from_child[0];
}

PipedChild::~PipedChild() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(stdin_);
  ::close(stdout_);
}

std::string PipedChild::read_line(milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (const auto newline = buffered_.find('\n'); newline != std::string::npos) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable{stdout_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0)
      throw std::runtime_error("the child printed nothing in time");
    char chunk[256];
    const ssize_t n = ::read(stdout_, chunk, sizeof(chunk));
    if (n <= 0) throw std::runtime_error("the child closed its output: " + buffered_);
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

void PipedChild::write_line(const std::string& line) {
  const std::string data = line + "\n";
  if (::write(stdin_, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
    throw std::runtime_error("cannot write to the child");
}

void PipedChild::pause() { signal_and_wait(SIGSTOP, WUNTRACED); }

void PipedChild::resume() { signal_and_wait(SIGCONT, WCONTINUED); }

int PipedChild::wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void PipedChild::signal_and_wait(int signal, int wait_for) {
  ::kill(pid_, signal);
  int status = 0;
  while (::waitpid(pid_, &status, wait_for) == pid_ &&
         !(wait_for == WUNTRACED ? WIFSTOPPED(status) : WIFCONTINUED(status))) {
  }
}

}  // namespace regionkv::testing
