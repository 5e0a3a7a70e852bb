// What the test servers (memcached, redis-server) share: a free loopback
// port, a child process that dies with the thread that started it, and
// stopping, pausing and reaping it by pid. Does not depend on GoogleTest.
#ifndef REGIONKV_TESTS_SUPPORT_SERVER_PROCESS_H_
#define REGIONKV_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace regionkv::testing {

// `name` in a directory of PATH, if it is executable there.
std::optional<std::string> find_on_path(const std::string& name);

// A TCP port on 127.0.0.1 that was free a moment ago (another process may
// take it before the caller binds it). Throws std::runtime_error.
std::uint16_t free_loopback_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool accepts_on_loopback(std::uint16_t port);

// Forks and execs args[0] (a path) with `args`; returns the child's pid. The
// child gets SIGKILL when the thread that called this exits
// (PR_SET_PDEATHSIG), so a crashed test leaves no server behind. Its stdout
// and stderr go to `output` when given (created or truncated), else are
// inherited. Throws std::runtime_error if fork fails.
pid_t spawn_child(const std::vector<std::string>& args,
                  const std::optional<std::string>& output = std::nullopt);

// Waits up to `timeout` for `pid` to exit; true if it was reaped. `status`
// receives its wait status when given.
bool reap_within(pid_t pid, std::chrono::milliseconds timeout, int* status = nullptr);

// SIGCONT (a stopped process cannot act on SIGTERM), SIGTERM, and SIGKILL if
// it has not exited within `grace`; reaps it.
void stop_child(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(5));
// SIGKILL and reap, as a crash would.
void kill_child(pid_t pid);
// SIGSTOP / SIGCONT, returning once the child has stopped or continued.
void pause_child(pid_t pid);
void resume_child(pid_t pid);

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_SERVER_PROCESS_H_
