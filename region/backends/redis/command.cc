#include "region/backends/redis/command.h"

#include <charconv>

namespace regionkv::redis {

Command& Command::arg(std::string_view argument) {
  bytes_.append(argument);
  ends_.push_back(bytes_.size());
  return *this;
}

Command& Command::arg(std::int64_t number) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), number);
  return arg(std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
}

std::string_view Command::operator[](std::size_t i) const {
  const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
  return std::string_view(bytes_).substr(begin, ends_[i] - begin);
}

void Command::to_argv(std::vector<const char*>& argv, std::vector<std::size_t>& lengths) const {
  std::size_t begin = 0;
  for (const std::size_t end : ends_) {
    argv.push_back(bytes_.data() + begin);
    lengths.push_back(end - begin);
    begin = end;
  }
}

}  // namespace regionkv::redis
