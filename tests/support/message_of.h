// The message of the exception a call throws, for tests that check what an
// error says.
#ifndef REGIONKV_TESTS_SUPPORT_MESSAGE_OF_H_
#define REGIONKV_TESTS_SUPPORT_MESSAGE_OF_H_

#include <exception>
#include <functional>
#include <string>

namespace regionkv::testing {

// What `call` threw (a std::exception's what()), or "(no exception)".
inline std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_MESSAGE_OF_H_
