// Feeds arbitrary bytes to the record and lease decoders. Properties: no
// crash or undefined behaviour on any input; a record that decodes encodes
// back to exactly the same bytes; a lock record's payload decodes as a lease
// or is Corruption.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "engine/record.h"
#include "lock/lease_record.h"
#include "regionkv/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  regionkv::engine::Record record;
  try {
    record = regionkv::engine::decode_record(bytes);
  } catch (const regionkv::Corruption&) {
    return 0;
  }
  if (regionkv::engine::encode_record(record.kind, record.expires_at, record.payload) != bytes)
    throw std::logic_error("a decoded record did not encode back to its bytes");
  if (record.kind == regionkv::engine::RecordKind::kLock) {
    try {
      const auto lease = regionkv::lock::decode_lease(record.payload);
      if (regionkv::lock::encode_lease(lease) != record.payload)
        throw std::logic_error("a decoded lease did not encode back to its bytes");
      (void)lease.ends();
    } catch (const regionkv::Corruption&) {
    }
  }
  return 0;
}
