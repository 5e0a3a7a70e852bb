#include "engine/no_space_recovery.h"

namespace regionkv::engine {
namespace {

using Clock = std::chrono::steady_clock;

// RocksDB's wording of IOStatus::NoSpace(), which it also carries into the
// Incomplete status of a write that stalled behind a stopped compaction.
constexpr std::string_view kNoSpaceText = "No space left on device";

class ManualNoSpaceRecovery : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "RegionkvManualNoSpaceRecovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    if (is_no_space(bg_error)) *auto_recovery = false;
  }
};

}  // namespace

bool is_no_space(const rocksdb::Status& status) {
  if (status.ok()) return false;
  if (status.IsNoSpace()) return true;
  return status.IsIncomplete() && status.ToString().find(kNoSpaceText) != std::string::npos;
}

std::string disk_full_message(std::string_view what, const rocksdb::Status& status) {
  std::string message(what);
  message += ": the disk is full (";
  message += status.ToString();
  if (status.severity() >= rocksdb::Status::Severity::kFatalError) {
    message +=
        "); nothing of this call was stored, and this store cannot resume in place: "
        "free space, then reopen it";
  } else {
    message += "); nothing of this call was stored; writes resume once space is freed";
  }
  return message;
}

std::shared_ptr<rocksdb::EventListener> no_space_listener() {
  static const auto listener = std::make_shared<ManualNoSpaceRecovery>();
  return listener;
}

rocksdb::Status NoSpaceRecovery::resume_after(
    rocksdb::DB& db, const rocksdb::Status& failure,
    const SomeMemtableHoldsWrites& some_memtable_holds_writes) {
  if (!is_no_space(failure)) return failure;
  const auto failed_at = Clock::now();
  std::lock_guard lock(mutex_);  // waits for an attempt under way
  if (needs_reopen_) return rocksdb::Status(failure, rocksdb::Status::Severity::kFatalError);
  if (last_resumed_ && *last_resumed_ >= failed_at) return rocksdb::Status::OK();
  if (last_failed_attempt_ && failed_at - *last_failed_attempt_ < options_.retry_interval)
    return failure;
  // Nothing can fill a memtable while the database is stopped, so the
  // answer holds until Resume() runs. Once an attempt has switched to a new
  // log, the failed one is behind it and every attempt is safe.
  if (!log_switched_ && !some_memtable_holds_writes()) {
    needs_reopen_ = true;
    return rocksdb::Status(failure, rocksdb::Status::Severity::kFatalError);
  }
  log_switched_ = true;
  ++stats_.attempts;
  const rocksdb::Status resumed = db.Resume();
  if (resumed.ok()) {
    ++stats_.resumed;
    log_switched_ = false;  // a later failure may be on the new log
    last_failed_attempt_.reset();
    last_resumed_ = Clock::now();
    return resumed;
  }
  last_failed_attempt_ = Clock::now();
  // A fatal error (creating the new log failed) needs a reopen too.
  return resumed.severity() >= rocksdb::Status::Severity::kFatalError ? resumed : failure;
}

NoSpaceRecovery::Stats NoSpaceRecovery::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace regionkv::engine
