// inspect_store: decodes and classifies what a secondary instance of the
// store reads, region by region.
#include "regionkv/inspect.h"

#include <memory>

#include "engine/engine.h"
#include "engine/printable.h"
#include "engine/record.h"
#include "engine/secondary_db.h"
#include "lock/lease_record.h"

namespace regionkv {
namespace {

class RegionInspector {
 public:
  RegionInspector(const InspectOptions& options, TimePoint now, std::string name)
      : options_(options), now_(now) {
    snapshot_.name = std::move(name);
  }

  // Every entry of the region's column family, in key order.
  void add(std::string_view key, std::string_view bytes) {
    snapshot_.stored_bytes += key.size() + bytes.size();
    try {
      const engine::Record record = engine::decode_record(bytes);
      if (record.kind == engine::RecordKind::kLock)
        add_lock(key, record);
      else
        add_value(key, record);
    } catch (const Corruption& e) {
      snapshot_.corrupt.push_back({std::string(key), e.what()});
    }
  }

  RegionSnapshot take() { return std::move(snapshot_); }

 private:
  bool below_limit(std::size_t listed) const { return !options_.limit || listed < *options_.limit; }

  void add_value(std::string_view key, const engine::Record& record) {
    const bool expired = !record.live_at(now_);
    ++(expired ? snapshot_.expired_record_count : snapshot_.live_record_count);
    if (options_.locks_only || (expired && !options_.include_expired) ||
        !below_limit(snapshot_.records.size()))
      return;
    snapshot_.records.push_back(
        {std::string(key), std::string(record.payload), record.expires_at, expired});
  }

  void add_lock(std::string_view key, const engine::Record& record) {
    if (!key.starts_with(lock::kLockKeyPrefix))
      throw Corruption("corrupt record: a lock record whose key lacks the " +
                       std::string(lock::kLockKeyPrefix) + " prefix");
    const lock::LeaseRecord lease = lock::decode_lease(record.payload);
    ++snapshot_.lock_count;
    if (!below_limit(snapshot_.locks.size())) return;
    snapshot_.locks.push_back({std::string(key.substr(lock::kLockKeyPrefix.size())),
                               lease.fencing_token, lease.acquired_at, lease.lease, lease.ends(),
                               lease.expired_at(now_)});
  }

  const InspectOptions& options_;
  const TimePoint now_;
  RegionSnapshot snapshot_;
};

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "'" : ", '") + engine::printable(name) + "'";
  return out;
}

}  // namespace

StoreSnapshot inspect_store(const std::filesystem::path& dir, const InspectOptions& options) {
  const auto secondary = engine::SecondaryDb::open(dir);
  StoreSnapshot snapshot;
  snapshot.now = options.now.value_or(system_time_source()->now());

  std::vector<std::string> names = secondary->region_names();
  if (options.region) {
    if (!secondary->family(*options.region))
      throw NotFound("region '" + engine::printable(*options.region) + "' is not in store " +
                     dir.string() + " (regions: " + list_names(names) + ")");
    names = {*options.region};
  }

  const rocksdb::ReadOptions read;
  for (const auto& name : names) {
    RegionInspector inspector(options, snapshot.now, name);
    std::unique_ptr<rocksdb::Iterator> it(
        secondary->db().NewIterator(read, secondary->family(name)));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      inspector.add(it->key().ToStringView(), it->value().ToStringView());
    engine::check_status(it->status(), "cannot read region '" + engine::printable(name) +
                                           "' of store " + dir.string());
    snapshot.regions.push_back(inspector.take());
  }
  return snapshot;
}

}  // namespace regionkv
