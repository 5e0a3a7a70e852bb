#include "engine/column_family_sweep.h"

#include <rocksdb/write_batch.h>

#include <memory>
#include <vector>

#include "common/describe.h"
#include "common/readable.h"
#include "engine/engine.h"
#include "engine/record.h"

namespace regionkv::engine {
namespace {

// The candidates of one batch: stored keys in key order, and how many
// records the scan passed from the first to the last of them.
struct Candidates {
  std::vector<std::string> keys;
  std::size_t span = 0;
};

// Reads the current record of every candidate and calls
// `visit(index, bytes)` for each one still present.
// Dense candidates (a backlog) are re-read with one fresh iterator, which
// costs far less than a point lookup each; sparse ones with MultiGet.
template <typename Visit>
void reread(Engine& engine, rocksdb::ColumnFamilyHandle* family,
            const std::string& region, const Candidates& candidates, Visit visit) {
  const std::vector<std::string>& keys = candidates.keys;
  if (candidates.span <= 2 * keys.size()) {
    rocksdb::ReadOptions options;
    options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(engine.db().NewIterator(options, family));
    std::size_t next = 0;
    for (it->Seek(keys.front()); it->Valid() && next < keys.size();) {
      const int order = it->key().compare(keys[next]);
      if (order < 0) {
        it->Next();  // not a candidate (written since the scan)
      } else if (order > 0) {
        ++next;  // the candidate is gone
      } else {
        visit(next++, it->value().ToStringView());
        it->Next();
      }
    }
    check_status(it->status(), common::describe_region(region) + ": sweep read failed");
    return;
  }
  const std::size_t n = keys.size();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  engine.db().MultiGet(rocksdb::ReadOptions(), family, n, slices.data(), values.data(),
                       statuses.data(), /*sorted_input=*/true);
  for (std::size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    check_status(statuses[i], common::describe_region(region) + ": sweep read failed");
    visit(i, values[i].ToStringView());
  }
}

// Deletes those candidates that are still removable, re-read under their
// stripes while the no-expiry set is held steady. Returns how many.
std::size_t remove_still_removable(Engine& engine, rocksdb::ColumnFamilyHandle* family,
                                   const std::string& region,
                                   const Candidates& candidates, TimePoint now) {
  if (candidates.keys.empty()) return 0;
  NoExpiryKeys& no_expiry = engine.no_expiry_keys(region);
  const auto steady = no_expiry.hold_steady();
  const auto no_expiry_keys = no_expiry.snapshot();
  const auto guards = engine.key_locks(region).lock_all(candidates.keys);

  rocksdb::WriteBatch batch;
  std::size_t removed = 0;
  reread(engine, family, region, candidates, [&](std::size_t i, std::string_view bytes) {
    const std::string& key = candidates.keys[i];
    // A record rewritten, re-locked or exempted since the scan stays.
    if (!removable(key, bytes, now, no_expiry_keys.get())) return;
    check_status(batch.Delete(family, key), common::describe_region(region) + ": sweep batch");
    ++removed;
  });
  if (removed > 0) {
    // Never fsynced, even under Durability::kPowerLoss: losing a sweep's
    // deletes only brings back expired records, which reads hide and the next
    // pass deletes again; a later synced write persists them anyway. So the
    // stripes are never held across an fsync.
    rocksdb::WriteOptions options = engine.write_options();
    options.sync = false;
    engine.write(batch, options, common::describe_region(region) + ": sweep write failed");
  }
  return removed;
}

}  // namespace

bool removable(std::string_view stored_key, std::string_view bytes, TimePoint now,
               const NoExpiryKeys::KeySet* no_expiry_keys) noexcept {
  try {
    const Record record = decode_record(bytes);
    // An unknown no-expiry set (null) spares every value.
    return !common::is_readable(record.expires_at, now, record.kind == RecordKind::kLock, [&] {
      return no_expiry_keys == nullptr || no_expiry_keys->contains(stored_key);
    });
  } catch (...) {
    return false;
  }
}

SweepProgress sweep_column_family(Engine& engine, const std::string& region,
                                  TimePoint now, std::string_view resume_from,
                                  SteadyTime deadline) {
  SweepProgress progress;
  const Engine::ColumnFamilyUse use(engine);  // a drop waits for this step
  rocksdb::ColumnFamilyHandle* family = engine.find_column_family(region);
  if (family == nullptr) return progress;
  NoExpiryKeys& no_expiry = engine.no_expiry_keys(region);

  rocksdb::ReadOptions scan_options;
  scan_options.fill_cache = false;  // one pass over everything: keep users' cache
  std::unique_ptr<rocksdb::Iterator> it(engine.db().NewIterator(scan_options, family));
  if (resume_from.empty())
    it->SeekToFirst();
  else
    it->Seek(rocksdb::Slice(resume_from.data(), resume_from.size()));

  Candidates candidates;
  while (it->Valid()) {
    // A snapshot for choosing candidates; the delete re-checks under a steady set.
    const auto no_expiry_keys = no_expiry.snapshot();
    candidates.keys.clear();
    std::size_t first = 0;
    std::size_t last = 0;
    for (std::size_t scanned = 0; it->Valid() && scanned < kSweepScanLimit &&
                                  candidates.keys.size() < kSweepBatchSize;
         ++scanned, it->Next()) {
      if (removable(it->key().ToStringView(), it->value().ToStringView(), now,
                    no_expiry_keys.get())) {
        if (candidates.keys.empty()) first = scanned;
        last = scanned;
        candidates.keys.push_back(it->key().ToString());
      }
    }
    candidates.span = candidates.keys.empty() ? 0 : last - first + 1;
    check_status(it->status(), common::describe_region(region) + ": sweep scan failed");
    progress.removed += remove_still_removable(engine, family, region, candidates, now);
    if (it->Valid() && std::chrono::steady_clock::now() >= deadline) {
      progress.resume_from = it->key().ToString();
      return progress;
    }
  }
  check_status(it->status(), common::describe_region(region) + ": sweep scan failed");
  return progress;
}

}  // namespace regionkv::engine
