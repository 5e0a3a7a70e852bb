// A TCP server on a free 127.0.0.1 port that is neither Redis nor memcached
// and misbehaves as told, for tests of how the clients bear a server that is
// not what its address promised: one that never answers, one that answers
// garbage, one that drips an answer a byte at a time, one that hangs up.
// Runs in a thread of its own, serves any number of connections, each
// alike, and stops and closes every socket in its destructor. Does not
// depend on GoogleTest.
#ifndef REGIONKV_TESTS_SUPPORT_FAKE_SERVER_H_
#define REGIONKV_TESTS_SUPPORT_FAKE_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace regionkv::testing {

class FakeServer {
 public:
  enum class Behavior {
    kSilent,   // reads every request and never answers
    kGarbage,  // answers whatever arrives with `answer`, at once
    kDrip,     // answers a connection's first request (or its second, after
               // `first_answer`) with `answer`, one byte every `interval`,
               // then 'x' bytes at that pace
    kHangUp,   // shuts its side of each connection as it accepts it (as a
               // server dropping a client does), and closes it unread as
               // soon as a request arrives: the client's next write after
               // that reset fails with EPIPE
  };

  struct Script {
    Behavior behavior = Behavior::kSilent;
    std::string answer;
    // kDrip: if not empty, sent at once in answer to a connection's first
    // request, and the drip answers its second.
    std::string first_answer;
    std::chrono::milliseconds interval{300};
    // A dripping connection is closed this long after its first byte: a
    // client that does not bound its calls then fails a test slowly
    // instead of hanging it.
    std::chrono::milliseconds give_up_after{10000};
  };

  static Script silent() { return {Behavior::kSilent, {}}; }
  static Script garbage(std::string answer) { return {Behavior::kGarbage, std::move(answer)}; }
  static Script drip(std::string answer, std::string first_answer = {}) {
    return {Behavior::kDrip, std::move(answer), std::move(first_answer)};
  }
  static Script hang_up() { return {Behavior::kHangUp, {}}; }

  // Listens at once. Throws std::runtime_error if it cannot.
  explicit FakeServer(Script script);
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  ~FakeServer();

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:<port>".
  std::string address() const;
  // Connections accepted so far. Thread-safe.
  int connections() const { return connections_.load(); }

 private:
  void serve();

  const Script script_;
  int listener_ = -1;
  int wake_ = -1;  // an eventfd: the destructor's signal to stop
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_FAKE_SERVER_H_
