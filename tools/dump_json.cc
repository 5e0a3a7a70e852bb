#include "dump_json.h"

#include "regionkv/printable.h"

namespace regionkv::tools {
namespace {

// Ordered: fields appear in the order the spec lists them.
using json = nlohmann::ordered_json;

json time_or_null(const std::optional<TimePoint>& t) {
  return t ? json(unix_ms(*t)) : json(nullptr);
}

json record_json(const InspectedRecord& record) {
  json out = json::object();
  put_key(out, record.key);
  put_value(out, record.value);
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

// JSON strings hold UTF-8 only: other keys go as base64, flagged.
void put_key(json& out, const std::string& key) {
  if (is_valid_utf8(key)) {
    out["key"] = key;
  } else {
    out["key"] = base64(key);
    out["key_encoding"] = "base64";
  }
}

void put_value(json& out, const std::string& value) {
  const bool text = is_printable_utf8(value);
  out["value"] = text ? value : base64(value);
  out["value_encoding"] = text ? "utf8" : "base64";
}

std::string region_name_json(const std::string& name) {
  return is_valid_utf8(name) ? name : printable(name);
}

json dump_json(const StoreSnapshot& snapshot) {
  json regions = json::array();
  for (const auto& region : snapshot.regions) {
    json records = json::array();
    for (const auto& record : region.records) records.push_back(record_json(record));
    json locks = json::array();
    for (const auto& lock : region.locks) locks.push_back(lock_json(lock));
    regions.push_back({{"name", region_name_json(region.name)},
                       {"records", std::move(records)},
                       {"locks", std::move(locks)}});
  }
  return {{"regions", std::move(regions)}};
}

}  // namespace regionkv::tools
