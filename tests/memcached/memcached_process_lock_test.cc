// Two OS processes contend for one lock on a real memcached server. The first
// holder is paused (SIGSTOP) past its lease, the second takes the lock over,
// and once resumed the first holder's locked write is refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "lock/lease_record.h"
#include "tests/memcached/live_memcached.h"

namespace regionkv::testing {
namespace {

using std::chrono::milliseconds;

// memcached_lock_contender (memcached_lock_contender.cc) as a child process
// with its stdin and stdout on pipes. Killed and reaped by the destructor.
class Contender {
 public:
  explicit Contender(std::vector<std::string> args) {
    args.insert(args.begin(), REGIONKV_LOCK_CONTENDER_PATH);
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
  Contender(const Contender&) = delete;
  Contender& operator=(const Contender&) = delete;
  ~Contender() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdin_);
    ::close(stdout_);
  }

  // The next line the child prints; throws after `timeout` or at EOF.
  std::string read_line(milliseconds timeout = milliseconds(15000)) {
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
        throw std::runtime_error("the contender printed nothing in time");
      char chunk[256];
      const ssize_t n = ::read(stdout_, chunk, sizeof(chunk));
      if (n <= 0) throw std::runtime_error("the contender closed its output: " + buffered_);
      buffered_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  void write_line(const std::string& line) {
    const std::string data = line + "\n";
    if (::write(stdin_, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
      throw std::runtime_error("cannot write to the contender");
  }
  // Return once the child has stopped or continued (signals are delivered
  // asynchronously).
  void pause() { signal_and_wait(SIGSTOP, WUNTRACED); }
  void resume() { signal_and_wait(SIGCONT, WCONTINUED); }
  // The exit status, once it exits.
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  void signal_and_wait(int signal, int wait_for) {
    ::kill(pid_, signal);
    int status = 0;
    while (::waitpid(pid_, &status, wait_for) == pid_ &&
           !(wait_for == WUNTRACED ? WIFSTOPPED(status) : WIFCONTINUED(status))) {
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string buffered_;
};

TEST(MemcachedProcessLock, APausedHoldersLockedWriteIsRefusedAfterATakeover) {
  REGIONKV_REQUIRE_MEMCACHED();
  MemcachedServer server;
  TempDir dir;
  const std::string region_name = random_hex();
  // lock_timeout 2 s: a 3 s lease, locked writes allowed in its first second.
  Contender contender({server.address(), region_name, "k", "2000", dir.sub("contender")});
  const std::string locked = contender.read_line();
  ASSERT_EQ(locked.rfind("locked ", 0), 0u) << locked;
  const std::uint64_t contender_token = std::stoull(locked.substr(7));
  contender.pause();

  MemcachedClient self;
  RegionConfig config;
  config.lock_timeout = milliseconds(2000);
  config.max_lock_attempts = 60;
  Region& region = self.region(region_name, server.address(), config);
  const auto started = std::chrono::steady_clock::now();
  Lock lock = region.get_lock("k");
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(1000))
      << "the lock was taken over only when the paused holder's lease ran out";
  EXPECT_GT(lock.fencing_token(), contender_token);
  region.set("k", "from-successor", lock);

  contender.resume();
  contender.write_line("write");
  const std::string refused = contender.read_line();
  EXPECT_EQ(refused.rfind("refused LockTimeout", 0), 0u) << refused;
  EXPECT_EQ(contender.read_line(), "backend lock-lost")
      << "the record no longer carries the paused holder's token";
  EXPECT_EQ(contender.read_line(), "released");
  EXPECT_EQ(contender.wait(), 0);

  EXPECT_EQ(region.get("k"), "from-successor");
  const auto record = region.backend().get(lock::lock_record_key(xxh3_mangle_key("k")));
  ASSERT_TRUE(record) << "the paused holder's release deleted its successor's lock";
  EXPECT_EQ(lock::decode_lease(*record).fencing_token, lock.fencing_token());
}

}  // namespace
}  // namespace regionkv::testing
