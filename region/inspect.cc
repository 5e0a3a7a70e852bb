// inspect_store: reads every region of a store through a secondary
// instance and classifies each entry (engine/region_inspector.h).
#include "regionkv/inspect.h"

#include <memory>

#include "engine/engine.h"
#include "regionkv/printable.h"
#include "region/region_inspector.h"
#include "engine/secondary_db.h"

namespace regionkv {
namespace {

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "'" : ", '") + printable(name) + "'";
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
      throw NotFound("region '" + printable(*options.region) + "' is not in store " +
                     dir.string() + " (regions: " + list_names(names) + ")");
    names = {*options.region};
  }

  const rocksdb::ReadOptions read;
  for (const auto& name : names) {
    inspection::RegionInspector inspector(options, snapshot.now, name);
    std::unique_ptr<rocksdb::Iterator> it(
        secondary->db().NewIterator(read, secondary->family(name)));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      inspector.add(it->key().ToStringView(), it->value().ToStringView());
    engine::check_status(it->status(), "cannot read region '" + printable(name) +
                                           "' of store " + dir.string());
    snapshot.regions.push_back(inspector.take());
  }
  return snapshot;
}

}  // namespace regionkv
