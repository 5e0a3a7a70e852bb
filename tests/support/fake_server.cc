#include "tests/support/fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

namespace regionkv::testing {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("fake server: " + what + ": " + std::strerror(errno));
}

struct Connection {
  int fd = -1;
  bool answered_first = false;  // kDrip: sent first_answer
  // Dripping: when the first byte went, the next byte to send (of the
  // answer, then 'x' forever) and when.
  std::optional<Clock::time_point> dripping_since;
  std::size_t sent = 0;
  Clock::time_point next_byte{};
};

}  // namespace

FakeServer::FakeServer(Script script) : script_(std::move(script)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listener_ == -1) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free port
  socklen_t length = sizeof(address);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == -1 ||
      ::listen(listener_, 64) == -1 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == -1) {
    ::close(listener_);
    fail("listening on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_ == -1) {
    ::close(listener_);
    fail("eventfd");
  }
  thread_ = std::thread([this] { serve(); });
}

FakeServer::~FakeServer() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_, &one, sizeof(one));
  thread_.join();
  ::close(wake_);
  ::close(listener_);
}

std::string FakeServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

void FakeServer::serve() {
  std::vector<Connection> connections;
  const auto close_at = [&](std::size_t i) {
    ::close(connections[i].fd);
    connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(i));
  };
  while (true) {
    std::vector<pollfd> fds = {{wake_, POLLIN, 0}, {listener_, POLLIN, 0}};
    int timeout_ms = -1;
    const Clock::time_point now = Clock::now();
    for (const Connection& connection : connections) {
      fds.push_back({connection.fd, POLLIN, 0});
      if (!connection.dripping_since) continue;
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(connection.next_byte - now);
      const int wait_ms = static_cast<int>(std::max<std::int64_t>(0, wait.count()));
      timeout_ms = timeout_ms < 0 ? wait_ms : std::min(timeout_ms, wait_ms);
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) == -1 && errno != EINTR) break;
    if (fds[0].revents != 0) break;
    if ((fds[1].revents & POLLIN) != 0) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd != -1) {
        if (script_.behavior == Behavior::kHangUp) ::shutdown(fd, SHUT_WR);
        connections.push_back({fd});
        ++connections_;
      }
    }
    // Requests: read and dropped; what they set off depends on the script.
    for (std::size_t i = fds.size() - 2; i-- > 0;) {
      if (i >= connections.size() || fds[i + 2].revents == 0) continue;
      if (script_.behavior == Behavior::kHangUp) {
        close_at(i);  // unread: a reset
        continue;
      }
      Connection& connection = connections[i];
      char buffer[4096];
      const ssize_t got = ::recv(connection.fd, buffer, sizeof(buffer), 0);
      if (got == 0 || (got == -1 && errno != EAGAIN && errno != EINTR)) {
        close_at(i);
        continue;
      }
      if (got <= 0) continue;
      if (script_.behavior == Behavior::kGarbage) {
        [[maybe_unused]] const ssize_t sent =
            ::send(connection.fd, script_.answer.data(), script_.answer.size(), MSG_NOSIGNAL);
      } else if (script_.behavior == Behavior::kDrip && !connection.dripping_since) {
        if (!script_.first_answer.empty() && !connection.answered_first) {
          connection.answered_first = true;
          [[maybe_unused]] const ssize_t sent = ::send(connection.fd, script_.first_answer.data(),
                                                       script_.first_answer.size(), MSG_NOSIGNAL);
          continue;
        }
        connection.dripping_since = Clock::now();
        connection.next_byte = Clock::now();
      }
    }
    // Dripping: the bytes that are due, one per connection.
    for (std::size_t i = connections.size(); i-- > 0;) {
      Connection& connection = connections[i];
      if (!connection.dripping_since || Clock::now() < connection.next_byte) continue;
      if (Clock::now() - *connection.dripping_since > script_.give_up_after) {
        close_at(i);
        continue;
      }
      const char byte =
          connection.sent < script_.answer.size() ? script_.answer[connection.sent] : 'x';
      if (::send(connection.fd, &byte, 1, MSG_NOSIGNAL) != 1) {
        close_at(i);
        continue;
      }
      ++connection.sent;
      connection.next_byte += script_.interval;
    }
  }
  for (const Connection& connection : connections) ::close(connection.fd);
}

}  // namespace regionkv::testing
