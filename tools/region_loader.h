// What regionkv-load does with the records it reads: checks each against the
// target's limits, leaves out those whose time ran out, and writes the rest
// in batches, each with its own expiry. Apart from the tool so that tests can
// drive it without a process.
//
// It writes through the target region's backend (Region::backend()), the
// public interface a backing store implements: Region::set_multi would
// mangle the keys a second time and give every value the region's
// expire_time, where each record carries a stored key and a time left of
// its own. Backend::set_multi takes both as they are (WriteItem::key,
// WriteItem::expires_at). So the region's own checks are repeated here:
// the key's length with room for the "_lock" prefix, the value's size.
#ifndef REGIONKV_TOOLS_REGION_LOADER_H_
#define REGIONKV_TOOLS_REGION_LOADER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load_record.h"
#include "regionkv/backend.h"

namespace regionkv::tools {

// A record regionkv-load cannot write, and the line it came from.
class BadLine : public BadRecord {
 public:
  BadLine(std::size_t line, const std::string& reason)
      : BadRecord("line " + std::to_string(line) + ": " + reason), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

// Not thread-safe: one thread feeds a loader.
class RegionLoader {
 public:
  // `backend` must outlive the loader. `batch_size` >= 1.
  RegionLoader(Backend& backend, std::size_t batch_size);

  // Queues `record`, read from `line`, and writes the queue once it holds
  // batch_size records. Records of a region other than the first record's,
  // keys and values over the backing store's limits throw BadLine, before
  // anything of this record is written (the queue stays as it was). The
  // backing store's errors (StorageError...) are thrown as they come.
  void add(LoadRecord record, std::size_t line);
  // Writes what is queued. A write the backing store refuses as a bad
  // argument (std::invalid_argument) is tried again record by record, so
  // the BadLine names the line; the records before it in the batch are then
  // written.
  void flush();

  std::uint64_t written() const { return written_; }
  // Records left out because their time ran out before they were written.
  std::uint64_t expired() const { return expired_; }
  // The line of the first record not yet written; nullopt when none waits.
  std::optional<std::size_t> first_queued_line() const {
    return lines_.empty() ? std::nullopt : std::optional(lines_.front());
  }

 private:
  Backend& backend_;
  const std::size_t batch_size_;
  const std::size_t max_key_size_;
  const std::size_t max_value_size_;
  std::optional<std::string> region_;  // of the first record
  std::vector<WriteItem> batch_;
  std::vector<std::size_t> lines_;  // batch_[i] came from lines_[i]
  std::uint64_t written_ = 0;
  std::uint64_t expired_ = 0;
};

}  // namespace regionkv::tools

#endif  // REGIONKV_TOOLS_REGION_LOADER_H_
