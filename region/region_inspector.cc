#include "region/region_inspector.h"

#include "lock/lease_record.h"

namespace regionkv::inspection {

RegionInspector::RegionInspector(const InspectOptions& options, TimePoint now, std::string name,
                                 std::optional<std::set<std::string, std::less<>>> no_expiry_keys)
    : options_(options), now_(now), no_expiry_keys_(std::move(no_expiry_keys)) {
  snapshot_.name = std::move(name);
}

void RegionInspector::add(std::string_view key, std::string_view bytes) {
  snapshot_.stored_bytes += key.size() + bytes.size();
  try {
    const engine::Record record = engine::decode_record(bytes);
    if (record.kind == engine::RecordKind::kLock)
      add_lock(key, record);
    else
      add_value(key, record);
  } catch (const Corruption& e) {
    snapshot_.corrupt.push_back({std::string(key), e.what()});
  }
}

bool RegionInspector::below_limit(std::size_t listed) const {
  return !options_.limit || listed < *options_.limit;
}

void RegionInspector::add_value(std::string_view key, const engine::Record& record) {
  // As reads judge it: a no-expiry key's value is live whatever it carries.
  const bool no_expiry = no_expiry_keys_ && no_expiry_keys_->contains(key);
  const bool expired = !no_expiry && !record.live_at(now_);
  ++(expired ? snapshot_.expired_record_count : snapshot_.live_record_count);
  if (options_.locks_only || (expired && !options_.include_expired) ||
      !below_limit(listed_records_))
    return;
  ++listed_records_;
  InspectedRecord listed{std::string(key), std::string(record.payload), record.expires_at, expired,
                         no_expiry};
  if (options_.on_record) {
    options_.on_record(snapshot_.name, listed);
    return;
  }
  snapshot_.records.push_back(std::move(listed));
}

void RegionInspector::add_lock(std::string_view key, const engine::Record& record) {
  if (!key.starts_with(lock::kLockKeyPrefix))
    throw Corruption("corrupt record: a lock record whose key lacks the " +
                     std::string(lock::kLockKeyPrefix) + " prefix");
  // Decoded before counting: a lease that does not decode is a corrupt record.
  const lock::LeaseRecord lease = lock::decode_lease(record.payload);
  ++snapshot_.lock_count;
  if (!below_limit(snapshot_.locks.size())) return;
  snapshot_.locks.push_back({std::string(key.substr(lock::kLockKeyPrefix.size())),
                             lease.fencing_token, lease.acquired_at, lease.lease, lease.ends(),
                             !lease.live_at(now_)});
}

}  // namespace regionkv::inspection
