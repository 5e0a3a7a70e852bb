// The "rocksdb" backing store: the region's own column family in the Store's
// RocksDB database, values kept in the record format of engine/record.h.
#ifndef REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_
#define REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_

#include <rocksdb/db.h>

#include <string>

#include "engine/engine.h"
#include "regionkv/backend.h"

namespace regionkv {

// Thread-safe. Multi-key writes are one atomic WriteBatch.
class RocksDBBackend : public Backend {
 public:
  RocksDBBackend(engine::Engine& engine, std::string region_name);

  std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value,
           ExpiresAt expires_at) override;
  bool erase(std::string_view key) override;
  std::vector<std::optional<std::string>> get_multi(
      const std::vector<std::string>& keys) override;
  void set_multi(const std::vector<WriteItem>& items) override;
  void erase_multi(const std::vector<std::string>& keys) override;

 protected:
  engine::Engine& engine() { return engine_; }
  rocksdb::ColumnFamilyHandle* family() { return family_; }
  const std::string& region_name() const { return region_name_; }
  // The live value among `bytes` read at `key`, decoding with context in
  // any Corruption message.
  std::optional<std::string> live_value(std::string_view key,
                                        std::string_view bytes, TimePoint now);

 private:
  engine::Engine& engine_;
  const std::string region_name_;
  rocksdb::ColumnFamilyHandle* const family_;
};

}  // namespace regionkv

#endif  // REGIONKV_REGION_BACKENDS_ROCKSDB_BACKEND_H_
