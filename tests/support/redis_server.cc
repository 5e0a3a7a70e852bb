#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <sys/wait.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/server_process.h"

namespace regionkv::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{10};
constexpr std::chrono::seconds kClusterTimeout{30};
// A port found free may be taken before redis-server binds it; try again.
constexpr int kStartAttempts = 5;

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

Reply run(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

// A logged-in connection, or nullptr if the server does not answer.
Context connect(std::uint16_t port, const std::optional<std::string>& password) {
  Context context(redisConnectWithTimeout("127.0.0.1", port, timeval{1, 0}));
  if (!context || context->err != 0) return nullptr;
  redisSetTimeout(context.get(), timeval{5, 0});
  if (password) {
    const Reply reply = run(context.get(), {"AUTH", *password});
    if (!reply || reply->type == REDIS_REPLY_ERROR) return nullptr;
  }
  return context;
}

// PONG, not -LOADING (an AOF still being read).
bool answers_ping(std::uint16_t port, const std::optional<std::string>& password) {
  const Context context = connect(port, password);
  if (!context) return false;
  const Reply reply = run(context.get(), {"PING"});
  return reply && reply->type == REDIS_REPLY_STATUS;
}

std::string as_text(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply.integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::string text;
      for (std::size_t i = 0; i < reply.elements; ++i)
        text += (i == 0 ? "" : "\n") + as_text(*reply.element[i]);
      return text;
    }
    default:
      return std::string(reply.str, reply.len);
  }
}

std::vector<std::string> server_args(const std::string& binary, std::uint16_t port,
                                     const std::filesystem::path& directory,
                                     const RedisServerOptions& options) {
  std::vector<std::string> args = {binary,
                                   "--port",
                                   std::to_string(port),
                                   "--bind",
                                   "127.0.0.1",
                                   "--dir",
                                   directory.string(),
                                   "--daemonize",
                                   "no",
                                   "--save",
                                   "",
                                   "--logfile",
                                   (directory / "redis.log").string()};
  switch (options.append_only) {
    case AppendOnly::kOff:
      args.insert(args.end(), {"--appendonly", "no"});
      break;
    case AppendOnly::kFsyncAlways:
      args.insert(args.end(), {"--appendonly", "yes", "--appendfsync", "always"});
      break;
    case AppendOnly::kFsyncEverySecond:
      args.insert(args.end(), {"--appendonly", "yes", "--appendfsync", "everysec"});
      break;
  }
  if (options.password)
    args.insert(args.end(),
                {"--requirepass", *options.password, "--masterauth", *options.password});
  if (options.cluster_enabled)
    args.insert(args.end(),
                {"--cluster-enabled", "yes", "--cluster-config-file",
                 (directory / "nodes.conf").string(), "--cluster-node-timeout", "5000"});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

}  // namespace

std::optional<std::string> RedisServer::find_binary() { return find_on_path("redis-server"); }

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  const auto binary = find_binary();
  if (!binary) throw std::runtime_error("redis-server is not installed (not on PATH)");
  binary_ = *binary;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = free_loopback_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (attempt + 1 == kStartAttempts) throw;
    }
  }
}

RedisServer::~RedisServer() {
  stop_child(pid_);
  pid_ = -1;
}

void RedisServer::start() {
  pid_ = spawn_child(server_args(binary_, port_, directory_.path(), options_),
                     (directory_.path() / "stdout.log").string());
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(port_, options_.password)) return;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // it exited (port taken?)
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start on port " + std::to_string(port_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill();
  throw std::runtime_error("redis-server did not answer on port " + std::to_string(port_));
}

std::string RedisServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::string RedisServer::url(int database) const {
  const std::string credentials = options_.password ? ":" + *options_.password + "@" : "";
  return "redis://" + credentials + address() + "/" + std::to_string(database);
}

void RedisServer::pause() { pause_child(pid_); }

void RedisServer::resume() { resume_child(pid_); }

void RedisServer::kill() {
  kill_child(pid_);
  pid_ = -1;
}

void RedisServer::restart() {
  if (pid_ > 0) throw std::logic_error("restart() of a running redis-server");
  start();
}

std::string RedisServer::command(const std::vector<std::string>& args) const {
  const Context context = connect(port_, options_.password);
  if (!context)
    throw std::runtime_error("redis-server on port " + std::to_string(port_) + " does not answer");
  const Reply reply = run(context.get(), args);
  if (!reply) throw std::runtime_error("no answer to " + args.front());
  if (reply->type == REDIS_REPLY_ERROR)
    throw std::runtime_error(args.front() + ": " + std::string(reply->str, reply->len));
  return as_text(*reply);
}

RedisCluster::RedisCluster(int masters, std::optional<std::string> password) {
  const auto cli = find_on_path("redis-cli");
  if (!cli) throw std::runtime_error("redis-cli is not installed (not on PATH)");
  RedisServerOptions options;
  options.cluster_enabled = true;
  options.password = password;
  std::vector<std::string> args = {*cli, "--cluster", "create"};
  for (int i = 0; i < masters; ++i) {
    nodes_.push_back(std::make_unique<RedisServer>(options));
    args.push_back(nodes_.back()->address());
  }
  args.insert(args.end(), {"--cluster-replicas", "0", "--cluster-yes"});
  if (password) args.insert(args.end(), {"-a", *password, "--no-auth-warning"});

  const std::string output = (nodes_.front()->directory() / "cluster-create.log").string();
  const pid_t pid = spawn_child(args, output);
  int status = 0;
  if (!reap_within(pid, kClusterTimeout, &status)) {
    kill_child(pid);
    throw std::runtime_error("redis-cli --cluster create did not finish; see " + output);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("redis-cli --cluster create failed; see " + output);

  const auto deadline = std::chrono::steady_clock::now() + kClusterTimeout;
  for (const auto& node : nodes_) {
    while (node->command({"CLUSTER", "INFO"}).find("cluster_state:ok") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("cluster node " + node->address() + " never reached state ok");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

std::string RedisCluster::seeds() const {
  std::string seeds;
  for (const auto& node : nodes_) seeds += (seeds.empty() ? "" : ",") + node->address();
  return seeds;
}

RedisServer* RedisCluster::node_on_port(std::uint16_t port) const {
  for (const auto& node : nodes_) {
    if (node->port() == port) return node.get();
  }
  return nullptr;
}

long long RedisServer::command_calls(std::string_view name) const {
  const std::string stats = command({"INFO", "commandstats"});
  const std::string field = "cmdstat_" + std::string(name) + ":calls=";
  const std::size_t at = stats.find(field);
  if (at == std::string::npos) return 0;
  return std::stoll(stats.substr(at + field.size()));
}

}  // namespace regionkv::testing
