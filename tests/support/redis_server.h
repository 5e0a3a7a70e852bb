// Real redis-server processes on free loopback ports, for integration tests
// and benchmarks: a single server (RedisServer) and a Redis Cluster of
// several masters (RedisCluster). Each server runs in a directory of its own
// (its AOF and cluster configuration live there), listens on 127.0.0.1 only,
// dies with the thread that started it (PR_SET_PDEATHSIG), and is stopped by
// pid and reaped by its destructor. Does not depend on GoogleTest.
#ifndef REGIONKV_TESTS_SUPPORT_REDIS_SERVER_H_
#define REGIONKV_TESTS_SUPPORT_REDIS_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/temp_dir.h"

namespace regionkv::testing {

enum class AppendOnly { kOff, kFsyncAlways, kFsyncEverySecond };

struct RedisServerOptions {
  std::optional<std::string> password;  // requirepass (and masterauth)
  AppendOnly append_only = AppendOnly::kOff;
  bool cluster_enabled = false;
  std::vector<std::string> extra_args;  // appended, e.g. {"--maxmemory", "1mb"}
};

class RedisServer {
 public:
  // The redis-server binary on PATH, or nullopt if there is none.
  static std::optional<std::string> find_binary();

  // Starts redis-server and waits up to 10 s until it answers PING. Throws
  // std::runtime_error if it cannot start.
  explicit RedisServer(RedisServerOptions options = {});
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer();

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:<port>".
  std::string address() const;
  // "redis://[:password@]127.0.0.1:<port>/<database>", as backend_args["url"]
  // takes it.
  std::string url(int database = 0) const;
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  const std::filesystem::path& directory() const { return directory_.path(); }

  // SIGSTOP / SIGCONT, returning once the server has stopped or continued.
  // Paused, it keeps its socket (the kernel still accepts connections) but
  // answers nothing.
  void pause();
  void resume();
  // SIGKILL and reap, as a crash would. Idempotent.
  void kill();
  // Starts it again on the same port and directory (so with its AOF) after
  // kill(), and waits until it answers (its AOF loaded).
  void restart();

  // Runs one command on the server (with the password, if any) and returns
  // its answer as text: a string, status or integer as is, nil as "(nil)",
  // an array's elements one per line. Throws std::runtime_error on an error
  // answer or a failure to reach the server.
  std::string command(const std::vector<std::string>& args) const;
  // How many times the server ran `name` ("evalsha", "script|load"), from
  // INFO commandstats; 0 for a command it never ran.
  long long command_calls(std::string_view name) const;

 private:
  void start();

  RedisServerOptions options_;
  std::string binary_;
  TempDir directory_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// A Redis Cluster of `masters` cluster-enabled servers without replicas,
// joined with `redis-cli --cluster create`; the constructor returns once
// every node says cluster_state:ok. Throws std::runtime_error.
class RedisCluster {
 public:
  explicit RedisCluster(int masters = 3, std::optional<std::string> password = std::nullopt);
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  // "127.0.0.1:<port>,...", as backend_args["cluster"] takes it.
  std::string seeds() const;
  std::vector<std::unique_ptr<RedisServer>>& nodes() { return nodes_; }
  // The node whose port is `port`; nullptr if none.
  RedisServer* node_on_port(std::uint16_t port) const;

 private:
  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_REDIS_SERVER_H_
