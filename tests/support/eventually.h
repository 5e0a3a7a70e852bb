// Waiting, in tests, for something another thread does.
#ifndef REGIONKV_TESTS_SUPPORT_EVENTUALLY_H_
#define REGIONKV_TESTS_SUPPORT_EVENTUALLY_H_

#include <chrono>
#include <thread>

namespace regionkv::testing {

// Polls `done` every millisecond until it holds or `timeout` passes;
// returns whether it held.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_EVENTUALLY_H_
