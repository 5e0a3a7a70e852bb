#include "region/backends/redis/connection.h"

#include <poll.h>

#include <cerrno>
#include <new>
#include <string>

#include "regionkv/printable.h"
#include "regionkv/errors.h"

namespace regionkv::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

ConnectionSettings connection_settings(const RedisOptions& options) {
  return {options.connect_timeout, options.io_timeout, options.credentials,
          options.cluster_mode() ? 0 : options.database};
}

Connection::Connection(const ServerAddress& server, const ConnectionSettings& settings)
    : server_(server), io_timeout_(settings.io_timeout) {
  context_.reset(redisConnectWithTimeout(server_.host.c_str(), server_.port,
                                         to_timeval(settings.connect_timeout)));
  if (context_ == nullptr) throw std::bad_alloc();
  if (context_->err != 0) fail("connect", errno);
  if (redisSetTimeout(context_.get(), to_timeval(settings.io_timeout)) != REDIS_OK)
    fail("setting the I/O timeout", errno);

  std::vector<Command> setup;
  if (!settings.credentials.password.empty()) {
    Command auth("AUTH");
    if (!settings.credentials.user.empty()) auth.arg(settings.credentials.user);
    setup.push_back(std::move(auth.arg(settings.credentials.password)));
  }
  if (settings.database != 0) setup.push_back(std::move(Command("SELECT").arg(settings.database)));
  std::vector<const Command*> commands;
  commands.reserve(setup.size());
  for (const auto& command : setup) commands.push_back(&command);
  const std::vector<Reply> replies = exchange(commands);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (is_error(*replies[i])) {
      throw StorageError("redis server " + server_.to_string() + ": " +
                         std::string(setup[i].name()) +
                         " failed: " + printable(reply_text(*replies[i])));
    }
  }
}

void Connection::fail(std::string_view what, int saved_errno) {
  broken_ = true;
  std::string reason = context_->errstr;
  if (context_->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK))
    reason = "no answer within " + std::to_string(io_timeout_.count()) + " ms (io_timeout_ms)";
  if (context_->err == REDIS_ERR_EOF) reason = "the server closed the connection";
  throw StorageError("redis server " + server_.to_string() + ": " + std::string(what) +
                     " failed: " + reason);
}

void Connection::send(const Command& command) {
  argv_.clear();
  lengths_.clear();
  command.to_argv(argv_, lengths_);
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv_.size()), argv_.data(),
                             lengths_.data()) != REDIS_OK)
    fail(command.name(), errno);
}

Reply Connection::receive(std::string_view what) {
  void* reply = nullptr;
  if (redisGetReply(context_.get(), &reply) != REDIS_OK || reply == nullptr) {
    const int saved_errno = errno;
    if (reply != nullptr) freeReplyObject(reply);
    fail(what, saved_errno);
  }
  return Reply(static_cast<redisReply*>(reply));
}

std::vector<Reply> Connection::exchange(std::span<const Command* const> commands) {
  std::vector<Reply> replies;
  if (commands.empty()) return replies;
  for (const Command* command : commands) send(*command);
  replies.reserve(commands.size());
  // The first read writes every command out (hiredis flushes before reading).
  for (const Command* command : commands) replies.push_back(receive(command->name()));
  return replies;
}

Reply Connection::run(const Command& command) {
  send(command);
  return receive(command.name());
}

bool Connection::closed_by_server() const {
  pollfd fd{context_->fd, POLLIN, 0};
  return ::poll(&fd, 1, 0) != 0;
}

}  // namespace regionkv::redis
