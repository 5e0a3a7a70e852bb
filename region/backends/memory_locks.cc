// The memory store's locks: lock/local_locks.h over the map, each step under
// one hold of the map's mutex.
#include "lock/local_locks.h"
#include "region/backends/memory_state.h"

namespace regionkv {

// The lock records and values as LocalLocks sees them. A Section holds the
// map's mutex and remembers where a lookup landed, so that a grant inserts
// its record with the hint of the lookup that found the key free.
class MemoryBackend::LockRecords {
 public:
  struct Section {
    std::unique_lock<std::mutex> hold;
    std::map<std::string, State::Entry, std::less<>>::iterator found;
  };

  LockRecords(MemoryBackend& backend, State& state) : backend_(backend), state_(state) {}

  Section exclusive(std::string_view /*lock_key*/) {
    return Section{std::unique_lock(state_.mutex), state_.entries.end()};
  }
  Section exclusive(std::string_view /*key*/, std::string_view /*lock_key*/) {
    return Section{std::unique_lock(state_.mutex), state_.entries.end()};
  }
  TimePoint now() const { return backend_.now(); }

  std::optional<lock::LeaseRecord> lease(Section& section, std::string_view lock_key) {
    section.found = state_.entries.lower_bound(lock_key);
    if (section.found == state_.entries.end() || section.found->first != lock_key)
      return std::nullopt;
    return section.found->second.lease;
  }

  void put_lease(Section& section, std::string_view lock_key, const lock::LeaseRecord& lease) {
    State::Entry entry{std::string(), lease.ends(), lease};
    auto& found = section.found;
    if (found != state_.entries.end() && found->first == lock_key)
      found->second = std::move(entry);
    else
      state_.entries.emplace_hint(found, std::string(lock_key), std::move(entry));
  }

  void erase_lease(Section& section, std::string_view lock_key) {
    if (section.found != state_.entries.end() && section.found->first == lock_key)
      state_.entries.erase(section.found);
    else
      state_.entries.erase(std::string(lock_key));
    section.found = state_.entries.end();
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
