#include "engine/rocksdb_logger.h"

#include <cstdio>
#include <string>

namespace regionkv::engine {
namespace {

class LineLogger : public rocksdb::Logger {
 public:
  LineLogger(std::function<void(std::string_view)> log, rocksdb::InfoLogLevel level)
      : rocksdb::Logger(level), log_(std::move(log)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    // Only messages at or above the logger's level reach here (the level
    // filter is applied by Logger::Logv(level, ...)).
    char buffer[1024];
    std::vsnprintf(buffer, sizeof(buffer), format, ap);
    std::string_view line(buffer);
    while (line.ends_with('\n')) line.remove_suffix(1);  // some messages end with one
    report(log_, "rocksdb: " + std::string(line));
  }

 private:
  const std::function<void(std::string_view)> log_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> make_rocksdb_logger(
    std::function<void(std::string_view)> log, rocksdb::InfoLogLevel level) {
  return std::make_shared<LineLogger>(std::move(log), level);
}

void report(const std::function<void(std::string_view)>& log, std::string_view message) {
  if (log) {
    try {
      log(message);
    } catch (...) {
      // A failing log callback must not fail RocksDB's thread or the store.
    }
    return;
  }
  std::fprintf(stderr, "regionkv: %.*s\n", static_cast<int>(message.size()), message.data());
}

}  // namespace regionkv::engine
