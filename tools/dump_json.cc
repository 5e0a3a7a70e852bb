#include "dump_json.h"

#include "regionkv/printable.h"

namespace regionkv::tools {
namespace {

// Ordered: fields appear in the order the spec lists them.
using json = nlohmann::ordered_json;

json time_or_null(const std::optional<TimePoint>& t) {
  return t ? json(unix_ms(*t)) : json(nullptr);
}

// JSON strings hold UTF-8 only: other keys go as base64, flagged.
void put_key(json& out, const std::string& key) {
  if (is_valid_utf8(key)) {
    out["key"] = key;
  } else {
    out["key"] = base64(key);
    out["key_encoding"] = "base64";
  }
}

json record_json(const InspectedRecord& record) {
  json out = json::object();
  put_key(out, record.key);
  const bool text = is_printable_utf8(record.value);
  out["value"] = text ? record.value : base64(record.value);
  out["value_encoding"] = text ? "utf8" : "base64";
  out["expires_at_ms"] = time_or_null(record.expires_at);
  return out;
}

json lock_json(const InspectedLock& lock) {
  json out = json::object();
  put_key(out, lock.key);
  out["fencing_token"] = lock.fencing_token;
  out["acquired_at_ms"] = unix_ms(lock.acquired_at);
  out["lease_expires_at_ms"] = time_or_null(lock.lease_ends);
  return out;
}

}  // namespace

json dump_json(const StoreSnapshot& snapshot) {
  json regions = json::array();
  for (const auto& region : snapshot.regions) {
    json records = json::array();
    for (const auto& record : region.records) records.push_back(record_json(record));
    json locks = json::array();
    for (const auto& lock : region.locks) locks.push_back(lock_json(lock));
    regions.push_back(
        {{"name",
          is_valid_utf8(region.name) ? region.name : printable(region.name)},
         {"records", std::move(records)},
         {"locks", std::move(locks)}});
  }
  return {{"regions", std::move(regions)}};
}

}  // namespace regionkv::tools
