#include "engine/rocksdb_logger.h"

#include <cstdio>

namespace regionkv::engine {
namespace {

class StderrErrorLogger : public rocksdb::Logger {
 public:
  StderrErrorLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::ERROR_LEVEL) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    // Only messages at or above ERROR_LEVEL reach here (the level filter is
    // applied by Logger::Logv(level, ...)).
    char buffer[1024];
    std::vsnprintf(buffer, sizeof(buffer), format, ap);
    std::fprintf(stderr, "regionkv (rocksdb): %s\n", buffer);
  }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> make_rocksdb_logger() {
  return std::make_shared<StderrErrorLogger>();
}

}  // namespace regionkv::engine
