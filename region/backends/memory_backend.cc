#include "regionkv/memory_backend.h"

#include "region/backends/memory_state.h"

namespace regionkv {

MemoryBackend::MemoryBackend()
    : state_(std::make_unique<State>()), locks_(make_native_locks(*this)) {}

MemoryBackend::MemoryBackend(const RegionConfig& /*config*/) : MemoryBackend() {}

MemoryBackend::~MemoryBackend() = default;

std::optional<std::string> MemoryBackend::get(std::string_view key) {
  const TimePoint now = this->now();
  std::lock_guard lock(state_->mutex);
  auto it = state_->entries.find(key);
  if (it == state_->entries.end()) return std::nullopt;
  if (!state_->live(*this, key, it->second, now)) {
    if (!it->second.lease) context().count_expired_read();
    return std::nullopt;
  }
  return State::bytes_of(it->second);
}

void MemoryBackend::set(std::string_view key, std::string_view value,
                        ExpiresAt expires_at) {
  State::Entry entry{std::string(value), expires_at, std::nullopt};
  std::lock_guard lock(state_->mutex);
  state_->entries.insert_or_assign(std::string(key), std::move(entry));
}

bool MemoryBackend::erase(std::string_view key) {
  const TimePoint now = this->now();
  std::lock_guard lock(state_->mutex);
  auto it = state_->entries.find(key);
  if (it == state_->entries.end()) return false;
  const bool was_live = state_->live(*this, key, it->second, now);
  state_->entries.erase(it);
  return was_live;
}

std::vector<std::optional<std::string>> MemoryBackend::get_multi(
    const std::vector<std::string>& keys) {
  const TimePoint now = this->now();
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  std::lock_guard lock(state_->mutex);
  for (const auto& key : keys) {
    auto it = state_->entries.find(key);
    if (it == state_->entries.end()) {
      values.emplace_back();
    } else if (!state_->live(*this, key, it->second, now)) {
      if (!it->second.lease) context().count_expired_read();
      values.emplace_back();
    } else {
      values.emplace_back(State::bytes_of(it->second));
    }
  }
  return values;
}

void MemoryBackend::set_multi(const std::vector<WriteItem>& items) {
  std::lock_guard lock(state_->mutex);
  for (const auto& item : items)
    state_->entries.insert_or_assign(item.key,
                                     State::Entry{item.value, item.expires_at, std::nullopt});
}

void MemoryBackend::erase_multi(const std::vector<std::string>& keys) {
  std::lock_guard lock(state_->mutex);
  for (const auto& key : keys) {
    if (auto it = state_->entries.find(key); it != state_->entries.end())
      state_->entries.erase(it);
  }
}

SweepProgress MemoryBackend::sweep_expired(TimePoint now, std::string_view resume_from,
                                           std::chrono::steady_clock::time_point deadline) {
  SweepProgress progress;
  std::string next(resume_from);
  for (;;) {
    {
      // Check and erase under one hold of the mutex: a value rewritten since
      // is live, and stays.
      std::lock_guard lock(state_->mutex);
      auto& entries = state_->entries;
      auto it = entries.lower_bound(next);
      for (std::size_t examined = 0; it != entries.end() && examined < kSweepBatch;
           ++examined) {
        if (state_->live(*this, it->first, it->second, now)) {
          ++it;
        } else {
          it = entries.erase(it);
          ++progress.removed;
        }
      }
      if (it == entries.end()) return progress;
      next = it->first;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      progress.resume_from = std::move(next);
      return progress;
    }
  }
}

}  // namespace regionkv
