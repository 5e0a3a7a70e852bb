// A RocksDB region's hashed no-expiry keys as the sweeper and the compaction
// filter see them: the stored keys whose value records are never removed,
// whatever their expiry says.
//
// The region's backend holds the set its reads use (Backend::
// is_no_expiry_key); this is the engine's copy, kept so that
//   - a region is swept even before this process configures it: the set is
//     persisted in the default column family (docs/format.md) and loaded when
//     the store opens;
//   - a change never opens a window in which a sweep or a compaction removes a
//     record the backend's reads would show. replace() publishes the union of
//     the old and new sets *before* the backend switches and the new set alone
//     after, so this copy always contains the backend's set. A sweep batch
//     holds hold_steady() across its check and its delete; a compaction
//     filter reads the set once, when it is created, and replace() waits for
//     running compactions after widening, so no filter made before the widen
//     is still deciding after the switch.
// Until a set is known (a region never configured by a process that persists
// it), snapshot() is null and every value record is spared.
//
// Thread-safe.
#ifndef REGIONKV_ENGINE_NO_EXPIRY_KEYS_H_
#define REGIONKV_ENGINE_NO_EXPIRY_KEYS_H_

#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace regionkv::engine {

class NoExpiryKeys {
 public:
  using KeySet = std::set<std::string, std::less<>>;

  // The default column family key holding `region`'s persisted set.
  static std::string metadata_key(std::string_view region);
  // The persisted form (docs/format.md), and back; decode returns nullopt for
  // bytes that are not a well-formed set.
  static std::string encode(const KeySet& keys);
  static std::optional<KeySet> decode(std::string_view bytes);

  explicit NoExpiryKeys(std::string region);
  NoExpiryKeys(const NoExpiryKeys&) = delete;
  NoExpiryKeys& operator=(const NoExpiryKeys&) = delete;

  // Attaches the database and loads the persisted set, if any (a malformed
  // one counts as unknown). Called once, right after the column family is
  // opened or created; throws StorageError if the read fails.
  void load(rocksdb::DB& db);

  // The current set; null while unknown. Never blocks on replace().
  std::shared_ptr<const KeySet> snapshot() const;

  // Held (shared) by a sweep batch from its check to its delete: the set
  // cannot change in between.
  std::shared_lock<std::shared_mutex> hold_steady() const;

  // Makes `next` the set: persists it, publishes the old set's union with it,
  // runs `switch_backend` (which makes the backend's reads use `next`), then
  // publishes `next` alone. If `next` adds keys the current set lacks, it
  // waits for the compactions running at that moment to finish. Concurrent
  // calls must be serialised by the caller. REQUIRES: load() has run.
  // Throws StorageError if the set cannot be persisted (then nothing changed).
  void replace(KeySet next, const std::function<void()>& switch_backend);

 private:
  void publish(std::shared_ptr<const KeySet> keys);

  const std::string region_;
  rocksdb::DB* db_ = nullptr;  // set by load()

  // Exclusive while the published set changes; shared by sweep batches.
  mutable std::shared_mutex change_mutex_;
  // Guards only the pointer, so that readers (compaction filters) never wait
  // for change_mutex_.
  mutable std::mutex pointer_mutex_;
  std::shared_ptr<const KeySet> keys_;  // guarded by pointer_mutex_
};

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_NO_EXPIRY_KEYS_H_
