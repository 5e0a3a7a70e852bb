#include "regionkv/memory_backend.h"

namespace regionkv {

bool MemoryBackend::live(std::string_view key, const Entry& entry,
                         TimePoint now) const {
  return !entry.expires_at || now < *entry.expires_at || is_no_expiry_key(key);
}

std::optional<std::string> MemoryBackend::get(std::string_view key) {
  const TimePoint now = this->now();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || !live(key, it->second, now)) return std::nullopt;
  return it->second.value;
}

void MemoryBackend::set(std::string_view key, std::string_view value,
                        ExpiresAt expires_at) {
  Entry entry{std::string(value), expires_at};
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(std::string(key), std::move(entry));
}

bool MemoryBackend::erase(std::string_view key) {
  const TimePoint now = this->now();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  const bool was_live = live(key, it->second, now);
  entries_.erase(it);
  return was_live;
}

std::vector<std::optional<std::string>> MemoryBackend::get_multi(
    const std::vector<std::string>& keys) {
  const TimePoint now = this->now();
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  std::lock_guard lock(mutex_);
  for (const auto& key : keys) {
    auto it = entries_.find(key);
    if (it == entries_.end() || !live(key, it->second, now))
      values.emplace_back();
    else
      values.emplace_back(it->second.value);
  }
  return values;
}

void MemoryBackend::set_multi(const std::vector<WriteItem>& items) {
  std::lock_guard lock(mutex_);
  for (const auto& item : items)
    entries_.insert_or_assign(item.key, Entry{item.value, item.expires_at});
}

void MemoryBackend::erase_multi(const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  for (const auto& key : keys) {
    if (auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
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
      std::lock_guard lock(mutex_);
      auto it = entries_.lower_bound(next);
      for (std::size_t examined = 0; it != entries_.end() && examined < kSweepBatch;
           ++examined) {
        if (live(it->first, it->second, now)) {
          ++it;
        } else {
          it = entries_.erase(it);
          ++progress.removed;
        }
      }
      if (it == entries_.end()) return progress;
      next = it->first;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      progress.resume_from = std::move(next);
      return progress;
    }
  }
}

bool MemoryBackend::holds_record(std::string_view stored_key) const {
  std::lock_guard lock(mutex_);
  return entries_.find(stored_key) != entries_.end();
}

std::size_t MemoryBackend::record_count() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace regionkv
