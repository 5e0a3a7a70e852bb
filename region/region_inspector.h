// RegionInspector: what inspect_store (and so the dump tool) makes of each
// stored entry of one region — a value, a lock, or a corrupt record. Apart
// from the RocksDB iteration so that the fuzz tests can feed it any bytes.
#ifndef REGIONKV_REGION_REGION_INSPECTOR_H_
#define REGIONKV_REGION_REGION_INSPECTOR_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "engine/record.h"
#include "regionkv/inspect.h"

namespace regionkv::inspection {

class RegionInspector {
 public:
  // `options` must outlive the inspector. `no_expiry_keys`: the region's
  // persisted no-expiry keys (stored keys); nullopt when unknown.
  RegionInspector(const InspectOptions& options, TimePoint now, std::string name,
                  std::optional<std::set<std::string, std::less<>>> no_expiry_keys = {});

  // One stored entry, in key order. Never throws Corruption: a record that
  // does not decode is listed in RegionSnapshot::corrupt.
  void add(std::string_view key, std::string_view bytes);

  RegionSnapshot take() { return std::move(snapshot_); }

 private:
  bool below_limit(std::size_t listed) const;
  void add_value(std::string_view key, const engine::Record& record);
  void add_lock(std::string_view key, const engine::Record& record);

  const InspectOptions& options_;
  const TimePoint now_;
  const std::optional<std::set<std::string, std::less<>>> no_expiry_keys_;
  RegionSnapshot snapshot_;
  // Value records listed so far: kept, or given to InspectOptions::on_record.
  std::size_t listed_records_ = 0;
};

}  // namespace regionkv::inspection

#endif  // REGIONKV_REGION_REGION_INSPECTOR_H_
