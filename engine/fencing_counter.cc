#include "engine/fencing_counter.h"

#include "engine/engine.h"
#include "common/little_endian.h"
#include "regionkv/errors.h"

namespace regionkv::engine {

std::string FencingCounter::metadata_key(const std::string& region) {
  return "fencing_token_reserved/" + region;
}

FencingCounter::FencingCounter(rocksdb::DB& db, const std::string& region)
    : db_(db), key_(metadata_key(region)) {
  std::string stored;
  const rocksdb::Status status = db_.Get(rocksdb::ReadOptions(), key_, &stored);
  reserved_up_to_ = 0;
  if (!status.IsNotFound()) {
    check_status(status, "cannot read the fencing counter of region '" + region + "'");
    if (stored.size() != 8)
      throw Corruption("region '" + region + "': corrupt fencing counter (" +
                       std::to_string(stored.size()) + " bytes)");
    reserved_up_to_ = common::read_u64(stored, 0);
  }
  last_issued_ = reserved_up_to_;
}

std::uint64_t FencingCounter::next() {
  std::lock_guard guard(mutex_);
  if (last_issued_ == reserved_up_to_) {
    std::string bytes;
    common::append_u64(bytes, reserved_up_to_ + kBlockSize);
    rocksdb::WriteOptions durable;
    durable.sync = true;  // rare, and tokens must not repeat even after power loss
    check_status(db_.Put(durable, key_, bytes), "cannot reserve fencing tokens");
    reserved_up_to_ += kBlockSize;
  }
  return ++last_issued_;
}

}  // namespace regionkv::engine
