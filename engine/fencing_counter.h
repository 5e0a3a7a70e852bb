// Hands out a region's fencing tokens: strictly increasing, also across
// restarts and crashes, without a write per token.
//
// Tokens are reserved in blocks: before the first token of a block is handed
// out, the block's upper bound is written (fsynced) to the default column
// family. After a restart counting resumes above the last reserved bound, so
// a token is never handed out twice; a crash only skips the rest of a block.
#ifndef REGIONKV_ENGINE_FENCING_COUNTER_H_
#define REGIONKV_ENGINE_FENCING_COUNTER_H_

#include <rocksdb/db.h>

#include <cstdint>
#include <mutex>
#include <string>

namespace regionkv::engine {

// Thread-safe.
class FencingCounter {
 public:
  static constexpr std::uint64_t kBlockSize = 4096;

  // Reads the last reserved bound of `region` from the default column family.
  FencingCounter(rocksdb::DB& db, const std::string& region);

  // The next token; throws StorageError if a reservation cannot be written.
  std::uint64_t next();

  static std::string metadata_key(const std::string& region);

 private:
  rocksdb::DB& db_;
  const std::string key_;
  std::mutex mutex_;
  std::uint64_t last_issued_;     // guarded by mutex_
  std::uint64_t reserved_up_to_;  // guarded by mutex_; durable
};

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_FENCING_COUNTER_H_
