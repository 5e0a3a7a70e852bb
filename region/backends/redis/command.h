// One Redis command as its arguments, binary-safe: keys and values may hold
// any bytes, NUL included (sent with hiredis' argv calls, never formatted).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_COMMAND_H_
#define REGIONKV_REGION_BACKENDS_REDIS_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace regionkv::redis {

// Not thread-safe; a value type. The arguments live in one buffer, so
// building a command allocates little.
class Command {
 public:
  explicit Command(std::string_view name) {
    // Room for a usual command (a script call: its SHA1, a few keys and
    // numbers) from the start: building it then allocates twice, not at
    // every argument.
    bytes_.reserve(kUsualBytes);
    ends_.reserve(kUsualArguments);
    arg(name);
  }

  Command& arg(std::string_view argument);
  Command& arg(std::int64_t number);  // in decimal

  std::size_t size() const { return ends_.size(); }
  std::string_view operator[](std::size_t i) const;
  // How errors name the command: a label if one was set (a script's name),
  // else its first argument.
  std::string_view name() const { return label_.empty() ? (*this)[0] : label_; }
  // REQUIRES: `label` outlives the command (a constant, a Script's name).
  Command& set_label(std::string_view label) {
    label_ = label;
    return *this;
  }

  // The arguments as hiredis takes them. Valid until the command changes.
  void to_argv(std::vector<const char*>& argv, std::vector<std::size_t>& lengths) const;

 private:
  static constexpr std::size_t kUsualBytes = 256;
  static constexpr std::size_t kUsualArguments = 8;

  std::string bytes_;
  std::vector<std::size_t> ends_;  // where each argument ends in bytes_
  std::string_view label_;
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_COMMAND_H_
