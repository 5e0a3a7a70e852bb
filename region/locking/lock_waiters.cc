#include "region/locking/lock_waiters.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace regionkv::locking {
namespace {

// Lock keys are "_lock" + a mangled key (hex digits of a hash) or a raw key:
// their first and last 8 bytes and their length spread them well enough at a
// fraction of the cost of hashing every byte. A collision only wakes a waiter
// early.
std::size_t stripe_index(std::string_view key, std::size_t stripes) {
  const std::size_t n = std::min<std::size_t>(key.size(), 8);
  std::uint64_t head = 0;
  std::uint64_t tail = 0;
  std::memcpy(&head, key.data(), n);
  std::memcpy(&tail, key.data() + key.size() - n, n);
  const std::uint64_t mixed = (head * 31 + tail) ^ key.size();
  return static_cast<std::size_t>((mixed * 0x9E3779B97F4A7C15ull) >> 32) % stripes;
}

}  // namespace

LockWaiters::Stripe& LockWaiters::stripe(std::string_view lock_key) {
  return stripes_[stripe_index(lock_key, kStripes)];
}

LockWaiters::Ticket::Ticket(Stripe* stripe) : stripe_(stripe) {
  // seq_cst: ordered before the attempt that follows, even for a backend
  // whose compare-and-set is not a mutex of this process (see the header).
  stripe_->waiting.fetch_add(1, std::memory_order_seq_cst);
}

LockWaiters::Ticket::Ticket(Ticket&& other) noexcept
    : stripe_(std::exchange(other.stripe_, nullptr)) {}

LockWaiters::Ticket::~Ticket() {
  if (stripe_) stripe_->waiting.fetch_sub(1, std::memory_order_relaxed);
}

std::uint64_t LockWaiters::Ticket::generation() const {
  return stripe_->generation.load(std::memory_order_seq_cst);
}

void LockWaiters::Ticket::wait(std::uint64_t seen_generation,
                               std::chrono::nanoseconds timeout) const {
  std::unique_lock guard(stripe_->mutex);
  stripe_->released.wait_for(guard, timeout, [&] {
    return stripe_->generation.load(std::memory_order_relaxed) != seen_generation;
  });
}

LockWaiters::Ticket LockWaiters::enter(std::string_view lock_key) {
  return Ticket(&stripe(lock_key));
}

void LockWaiters::notify(std::string_view lock_key) {
  Stripe& s = stripe(lock_key);
  if (s.waiting.load(std::memory_order_seq_cst) == 0) return;
  {
    // Under the mutex, so a waiter between its check and its sleep cannot
    // miss the change.
    std::lock_guard guard(s.mutex);
    s.generation.fetch_add(1, std::memory_order_relaxed);
  }
  s.released.notify_all();
}

}  // namespace regionkv::locking
