#include "lock/fencing_counter.h"

namespace regionkv::lock {

ReservedFencingCounter::ReservedFencingCounter(
    std::function<std::optional<std::uint64_t>()> load,
    std::function<void(std::uint64_t bound)> persist)
    : load_(std::move(load)), persist_(std::move(persist)) {}

std::uint64_t ReservedFencingCounter::next(std::string_view /*lock_key*/) {
  std::lock_guard guard(mutex_);
  if (!loaded_) {
    reserved_up_to_ = load_().value_or(0);
    last_issued_ = reserved_up_to_;
    loaded_ = true;
  }
  if (last_issued_ == reserved_up_to_) {
    persist_(reserved_up_to_ + kBlockSize);  // throws: nothing issued
    reserved_up_to_ += kBlockSize;
  }
  return ++last_issued_;
}

}  // namespace regionkv::lock
