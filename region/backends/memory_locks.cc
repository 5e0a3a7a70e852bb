// The memory store's locks: lock/local_locks.h over the map, each step under
// one hold of the map's mutex.
#include "lock/local_locks.h"
#include "region/backends/memory_state.h"

namespace regionkv {

// The lock records and values as LocalLocks sees them. A Section holds the
// map's mutex and remembers where the lookup of the lock key landed, so that
// a grant or a release after it needs no second search (a lock cycle is then
// one search and one insert, one search and one erase).
class MemoryBackend::LockRecords {
 public:
  struct Section {
    std::unique_lock<std::mutex> hold;
    std::map<std::string, State::Entry, std::less<>>::iterator found;  // lower bound
    bool present = false;  // found is the lock key's entry
  };

  LockRecords(MemoryBackend& backend, State& state) : backend_(backend), state_(state) {}

  Section exclusive(std::string_view /*lock_key*/) {
    return Section{std::unique_lock(state_.mutex), state_.entries.end(), false};
  }
  Section exclusive(std::string_view /*key*/, std::string_view /*lock_key*/) {
    return Section{std::unique_lock(state_.mutex), state_.entries.end(), false};
  }
  TimePoint now() const { return backend_.now(); }

  // REQUIRES, for put_lease and erase_lease: lease() of the same key ran in
  // the section (LocalLocks always reads before it writes).
  std::optional<lock::LeaseRecord> lease(Section& section, std::string_view lock_key) {
    section.found = state_.entries.lower_bound(lock_key);
    section.present = section.found != state_.entries.end() && section.found->first == lock_key;
    if (!section.present) return std::nullopt;
    return section.found->second.lease;
  }

  void put_lease(Section& section, std::string_view lock_key, const lock::LeaseRecord& lease) {
    State::Entry entry{std::string(), lease.ends(), lease};
    if (section.present)
      section.found->second = std::move(entry);
    else
      section.found = state_.entries.emplace_hint(section.found, std::string(lock_key),
                                                  std::move(entry));
    section.present = true;
  }

  void erase_lease(Section& section, std::string_view /*lock_key*/) {
    if (!section.present) return;
    section.found = state_.entries.erase(section.found);
    section.present = false;
  }

  void put_value(Section&, std::string_view key, std::string_view value, ExpiresAt expires_at) {
    state_.entries.insert_or_assign(std::string(key),
                                    State::Entry{std::string(value), expires_at, std::nullopt});
  }

  bool erase_value(Section&, std::string_view key, TimePoint now) {
    auto it = state_.entries.find(key);
    if (it == state_.entries.end()) return false;
    const bool was_live = state_.live(backend_, key, it->second, now);
    state_.entries.erase(it);
    return was_live;
  }

 private:
  MemoryBackend& backend_;
  State& state_;
};

std::unique_ptr<LockBackend> MemoryBackend::make_native_locks(MemoryBackend& backend) {
  // The counter lives in the state, which outlives the locks.
  return std::make_unique<lock::LocalLocks<LockRecords>>(LockRecords(backend, *backend.state_),
                                                         backend.state_->tokens);
}

}  // namespace regionkv
