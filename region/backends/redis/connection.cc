#include "region/backends/redis/connection.h"

#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <new>
#include <string>

#include "region/backends/redis/output_buffer.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

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

Connection::Connection(const ServerAddress& server, const ConnectionSettings& settings,
                       ServerCalls& calls, common::Deadline& deadline)
    : server_(server), calls_(calls) {
  const auto connect_started = common::Deadline::Clock::now();
  calls_.round_trip([&] {
    context_.reset(redisConnectWithTimeout(server_.host.c_str(), server_.port,
                                           to_timeval(settings.connect_timeout)));
    if (context_ == nullptr) throw std::bad_alloc();
    if (context_->err != 0) fail("connect", errno);
    // hiredis bounds a blocking socket's waits one read at a time (a socket
    // timeout), so a reply dribbled a byte at a time never times out. A
    // non-blocking socket leaves every wait to wait_for(), which bounds them
    // all by the call's deadline. Without REDIS_BLOCK, hiredis reads and
    // writes what the socket takes and leaves the waiting to its caller.
    const int flags = ::fcntl(context_->fd, F_GETFL);
    if (flags == -1 || ::fcntl(context_->fd, F_SETFL, flags | O_NONBLOCK) == -1)
      fail("making the socket non-blocking", errno);
    context_->flags &= ~REDIS_BLOCK;
  });
  deadline.exclude(common::Deadline::Clock::now() - connect_started);

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
  if (commands.empty()) return;
  const std::vector<Reply> replies = exchange(commands, deadline);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (is_error(*replies[i])) {
      throw StorageError(describe_server(server_) + ": " + std::string(setup[i].name()) +
                         " failed: " + printable(reply_text(*replies[i])));
    }
  }
}

void Connection::fail(std::string_view what, int saved_errno) {
  broken_ = true;
  const std::string failed = describe_server(server_) + ": " + std::string(what) + " failed: ";
  // hiredis' connect times out with ETIMEDOUT.
  if (context_->err == REDIS_ERR_IO && saved_errno == ETIMEDOUT)
    throw ServerTimeout(failed + context_->errstr);
  if (context_->err == REDIS_ERR_EOF)
    throw StorageError(failed + "the server closed the connection");
  if (context_->err == REDIS_ERR_PROTOCOL)
    throw StorageError(failed + "the answer is not Redis' protocol (" + context_->errstr + ")");
  throw StorageError(failed + context_->errstr);
}

void Connection::time_out(std::string_view what, short events, const common::Deadline& deadline) {
  broken_ = true;
  const std::string within =
      " within " + std::to_string(deadline.budget().count()) + " ms (io_timeout_ms)";
  const std::string failed = describe_server(server_) + ": " + std::string(what) + " failed: ";
  if ((events & POLLOUT) != 0) throw ServerTimeout(failed + "the request was not taken" + within);
  throw ServerTimeout(failed + (received_ ? "the answer was not complete" : "no answer") + within);
}

void Connection::wait_for(short events, std::string_view what, const common::Deadline& deadline) {
  while (true) {
    const std::chrono::milliseconds left = deadline.remaining();
    if (left.count() == 0) time_out(what, events, deadline);
    pollfd fd{context_->fd, events, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    // Readable, writable, or closed or failed (which the read or write that
    // follows reports).
    if (ready > 0) return;
    if (ready == -1 && errno != EINTR) fail(what, errno);
  }
}

void Connection::append(const Command& command) {
  argv_.clear();
  lengths_.clear();
  command.to_argv(argv_, lengths_);
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv_.size()), argv_.data(),
                             lengths_.data()) != REDIS_OK)
    fail(command.name(), errno);
}

void Connection::flush(std::string_view what, const common::Deadline& deadline) {
  while (true) {
    const SendResult result = send_buffered_output(*context_);
    if (result == SendResult::kAllSent) return;
    if (result == SendResult::kFailed) fail(what, errno);
    wait_for(POLLOUT, what, deadline);
  }
}

Reply Connection::receive(std::string_view what, const common::Deadline& deadline) {
  while (true) {
    void* reply = nullptr;
    if (redisGetReplyFromReader(context_.get(), &reply) != REDIS_OK) fail(what, errno);
    if (reply != nullptr) return Reply(static_cast<redisReply*>(reply));
    wait_for(POLLIN, what, deadline);
    if (redisBufferRead(context_.get()) != REDIS_OK) fail(what, errno);
    received_ = true;
  }
}

std::vector<Reply> Connection::exchange(std::span<const Command* const> commands,
                                        const common::Deadline& deadline) {
  return calls_.round_trip([&] { return exchange_uncounted(commands, deadline); });
}

std::vector<Reply> Connection::exchange_uncounted(std::span<const Command* const> commands,
                                                  const common::Deadline& deadline) {
  std::vector<Reply> replies;
  if (commands.empty()) return replies;
  received_ = false;
  for (const Command* command : commands) append(*command);
  flush(commands.front()->name(), deadline);
  replies.reserve(commands.size());
  for (const Command* command : commands) replies.push_back(receive(command->name(), deadline));
  return replies;
}

Reply Connection::run(const Command& command, const common::Deadline& deadline) {
  return calls_.round_trip([&] {
    received_ = false;
    append(command);
    flush(command.name(), deadline);
    return receive(command.name(), deadline);
  });
}

bool Connection::closed_by_server() const {
  pollfd fd{context_->fd, POLLIN, 0};
  return ::poll(&fd, 1, 0) != 0;
}

}  // namespace regionkv::redis
