#include "region_loader.h"

#include <stdexcept>

#include "regionkv/printable.h"

namespace regionkv::tools {
namespace {

// Room every stored key leaves for the prefix of its lock record, as the
// region leaves it.
constexpr std::size_t kLockPrefixSize = 5;  // "_lock"

}  // namespace

RegionLoader::RegionLoader(Backend& backend, std::size_t batch_size)
    : backend_(backend),
      batch_size_(batch_size),
      max_key_size_(backend.max_key_size()),
      max_value_size_(backend.max_value_size()) {
  if (batch_size < 1) throw std::invalid_argument("the batch size must be at least 1");
  batch_.reserve(batch_size);
  lines_.reserve(batch_size);
}

void RegionLoader::add(LoadRecord record, std::size_t line) {
  if (!region_) region_ = record.region;
  if (record.region != *region_)
    throw BadLine(line, "a record of region '" + printable(record.region) +
                            "' after records of region '" + printable(*region_) +
                            "': load one region at a time (regionkv-dump --region)");
  if (record.key.size() + kLockPrefixSize > max_key_size_)
    throw BadLine(line, "key of " + std::to_string(record.key.size()) +
                            " bytes is over the backing store's limit of " +
                            std::to_string(max_key_size_ - kLockPrefixSize));
  if (record.value.size() > max_value_size_)
    throw BadLine(line, "value of " + std::to_string(record.value.size()) +
                            " bytes is over the backing store's limit of " +
                            std::to_string(max_value_size_));
  const TimePoint now = backend_.now();
  const ExpiresAt expires_at = expiry_when_written(record, now);
  if (!is_live(expires_at, now)) {
    ++expired_;
    return;
  }
  batch_.push_back({std::move(record.key), std::move(record.value), expires_at});
  lines_.push_back(line);
  if (batch_.size() >= batch_size_) flush();
}

void RegionLoader::flush() {
  if (batch_.empty()) return;
  try {
    backend_.set_multi(batch_);
  } catch (const std::invalid_argument&) {
    // Which record? Each write that fails changes nothing, and writing a
    // record again writes the same value: try them one at a time.
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      try {
        backend_.set(batch_[i].key, batch_[i].value, batch_[i].expires_at);
      } catch (const std::invalid_argument& e) {
        written_ += i;
        const std::size_t line = lines_[i];
        batch_.clear();
        lines_.clear();
        throw BadLine(line, e.what());
      }
    }
  }
  written_ += batch_.size();
  batch_.clear();
  lines_.clear();
}

}  // namespace regionkv::tools
