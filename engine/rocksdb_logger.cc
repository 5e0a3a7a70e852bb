#include "engine/rocksdb_logger.h"

#include <cstdio>
#include <string>

namespace regionkv::engine {
namespace {

class ErrorLogger : public rocksdb::Logger {
 public:
  explicit ErrorLogger(std::function<void(std::string_view)> log)
      : rocksdb::Logger(rocksdb::InfoLogLevel::ERROR_LEVEL), log_(std::move(log)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    // Only messages at or above ERROR_LEVEL reach here (the level filter is
    // applied by Logger::Logv(level, ...)).
    char buffer[1024];
    std::vsnprintf(buffer, sizeof(buffer), format, ap);
    report(log_, std::string("rocksdb: ") + buffer);
  }

 private:
  const std::function<void(std::string_view)> log_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> make_rocksdb_logger(
    std::function<void(std::string_view)> log) {
  return std::make_shared<ErrorLogger>(std::move(log));
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
