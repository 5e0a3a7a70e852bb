#include "tests/support/memcached_server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "tests/support/server_process.h"

namespace regionkv::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{10};
// A port found free may be taken before memcached binds it; try again then.
constexpr int kStartAttempts = 5;

std::vector<std::string> memcached_args(const std::string& binary, std::uint16_t port,
                                        const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {binary, "-l", "127.0.0.1", "-p", std::to_string(port),
                                   "-U",   "0"};
  // memcached refuses to run as root unless told which user to be.
  if (::geteuid() == 0) args.insert(args.end(), {"-u", "root"});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return args;
}

}  // namespace

std::optional<std::string> MemcachedServer::find_binary() { return find_on_path("memcached"); }

MemcachedServer::MemcachedServer(const std::vector<std::string>& extra_args) {
  const auto binary = find_binary();
  if (!binary) throw std::runtime_error("memcached is not installed (not on PATH)");
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = free_loopback_port();
    pid_ = spawn_child(memcached_args(*binary, port_, extra_args));
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (accepts_on_loopback(port_)) return;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // it exited (port taken?)
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill();
  }
  throw std::runtime_error("memcached did not start on a loopback port");
}

MemcachedServer::~MemcachedServer() {
  stop_child(pid_);
  pid_ = -1;
}

std::string MemcachedServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

void MemcachedServer::pause() { pause_child(pid_); }

void MemcachedServer::resume() { resume_child(pid_); }

void MemcachedServer::kill() {
  kill_child(pid_);
  pid_ = -1;
}

}  // namespace regionkv::testing
