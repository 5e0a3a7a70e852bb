// A real memcached process on a free loopback port, for integration tests
// and benchmarks. Started by the constructor, stopped by pid (SIGTERM, then
// SIGKILL) and reaped by the destructor; it also dies with the thread that
// started it (PR_SET_PDEATHSIG), so a crashed test leaves no server behind.
// Does not depend on GoogleTest.
#ifndef REGIONKV_TESTS_SUPPORT_MEMCACHED_SERVER_H_
#define REGIONKV_TESTS_SUPPORT_MEMCACHED_SERVER_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace regionkv::testing {

class MemcachedServer {
 public:
  // The memcached binary on PATH, or nullopt if there is none.
  static std::optional<std::string> find_binary();

  // Starts memcached listening on 127.0.0.1 only (TCP, no UDP) and waits up
  // to 10 s until it accepts connections. `extra_args` are appended (e.g.
  // {"-I", "2m"}). Throws std::runtime_error if it cannot start.
  explicit MemcachedServer(const std::vector<std::string>& extra_args = {});
  MemcachedServer(const MemcachedServer&) = delete;
  MemcachedServer& operator=(const MemcachedServer&) = delete;
  ~MemcachedServer();

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:<port>", as backend_args["url"] takes it.
  std::string address() const;
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // SIGSTOP / SIGCONT, returning once the server has stopped or continued.
  // Paused, it keeps its socket (the kernel still accepts connections) but
  // answers nothing.
  void pause();
  void resume();
  // SIGKILL and reap, as a crash would. Idempotent.
  void kill();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_MEMCACHED_SERVER_H_
