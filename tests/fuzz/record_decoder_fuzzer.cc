// Feeds arbitrary bytes to the record and lease decoders, and to the dump
// tool's decoding path (the inspector that classifies stored entries, then
// both output formats). Properties:
// - no crash or undefined behaviour on any input;
// - a record that decodes encodes back to exactly the same bytes, and a lock
//   record's payload decodes as a lease or is Corruption;
// - the inspector files every entry as exactly one of value, lock or corrupt;
// - the JSON dump is valid UTF-8 JSON (serializing throws otherwise) that
//   parses back, and carries any key, whatever its bytes, recoverably.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "regionkv/printable.h"
#include "engine/record.h"
#include "region/region_inspector.h"
#include "lock/lease_record.h"
#include "regionkv/errors.h"
#include "tools/dump_json.h"
#include "tools/dump_table.h"

namespace {

using regionkv::engine::RecordKind;

void require(bool condition, const char* what) {
  if (!condition) throw std::logic_error(what);
}

void check_record_decoder(std::string_view bytes) {
  regionkv::engine::Record record;
  try {
    record = regionkv::engine::decode_record(bytes);
  } catch (const regionkv::Corruption&) {
    return;
  }
  require(regionkv::engine::encode_record(record.kind, record.expires_at, record.payload) == bytes,
          "a decoded record did not encode back to its bytes");
  if (record.kind != RecordKind::kLock) return;
  try {
    const auto lease = regionkv::lock::decode_lease(record.payload);
    require(regionkv::lock::encode_lease(lease) == record.payload,
            "a decoded lease did not encode back to its bytes");
    (void)lease.ends();
  } catch (const regionkv::Corruption&) {
  }
}

// The bytes as a stored value under a plain key and under a lock key, and as
// a key holding a valid value, through everything regionkv-dump does with
// them.
void check_dump_decoder(std::string_view bytes) {
  regionkv::InspectOptions options;
  options.include_expired = true;
  const regionkv::TimePoint now{std::chrono::milliseconds(1'700'000'000'000)};
  regionkv::inspection::RegionInspector inspector(options, now, std::string(bytes));
  inspector.add("value", bytes);
  inspector.add("_lockvalue", bytes);
  inspector.add(bytes, regionkv::engine::encode_record(RecordKind::kValue, std::nullopt, bytes));

  regionkv::StoreSnapshot snapshot{now, {inspector.take()}};
  const regionkv::RegionSnapshot& region = snapshot.regions.front();
  require(region.live_record_count + region.expired_record_count + region.lock_count +
                  region.corrupt.size() == 3,
          "an entry was not filed exactly once");
  require(!region.records.empty() && region.records.back().key == bytes,
          "the valid record under arbitrary key bytes was not listed");

  const std::string text = regionkv::tools::dump_json(snapshot).dump();
  const auto parsed = nlohmann::json::parse(text);
  const auto& listed = parsed["regions"][0]["records"].back();
  const std::string expected_key =
      listed.contains("key_encoding") ? regionkv::base64(bytes) : std::string(bytes);
  require(listed["key"] == expected_key, "the JSON dump changed a key");

  std::ostringstream table;
  regionkv::tools::write_table(snapshot, options, table);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_record_decoder(bytes);
  check_dump_decoder(bytes);
  return 0;
}
