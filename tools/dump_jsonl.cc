#include "dump_jsonl.h"

#include "dump_json.h"

namespace regionkv::tools {

using json = nlohmann::ordered_json;

std::optional<std::chrono::milliseconds> time_left(const InspectedRecord& record, TimePoint now) {
  if (record.no_expiry || !record.expires_at) return std::nullopt;
  return std::chrono::ceil<std::chrono::milliseconds>(*record.expires_at - now);
}

json jsonl_record(const std::string& region, const InspectedRecord& record, TimePoint now) {
  json out = json::object();
  out["region"] = region_name_json(region);
  put_key(out, record.key);
  put_value(out, record.value);
  const auto ttl = time_left(record, now);
  out["ttl_ms"] = ttl ? json(ttl->count()) : json(nullptr);
  out["no_expiry"] = record.no_expiry;
  out["expires_at_ms"] = ttl ? json(unix_ms(*record.expires_at)) : json(nullptr);
  return out;
}

}  // namespace regionkv::tools
