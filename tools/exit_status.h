// What the tools share: their exit statuses, and an error as one line.
#ifndef REGIONKV_TOOLS_EXIT_STATUS_H_
#define REGIONKV_TOOLS_EXIT_STATUS_H_

#include <iostream>
#include <string>
#include <string_view>

namespace regionkv::tools {

inline constexpr int kFailure = 1;  // the store cannot be read, is damaged...
inline constexpr int kUsage = 2;    // bad arguments, or no store at the path

// Writes "<tool>: <message>" to stderr as one line, whatever the message
// holds; returns `status`.
inline int fail(std::string_view tool, int status, std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  std::cerr << tool << ": " << message << std::endl;
  return status;
}

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_EXIT_STATUS_H_
