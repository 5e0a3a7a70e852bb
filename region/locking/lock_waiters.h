// Wakes threads waiting for a lock when a lock is released in this process.
//
// Waiters and releasers meet on one of kStripes stripes chosen by the lock
// key. A waiter registers on its stripe (a Ticket) after its first failed
// attempt and reads the stripe's generation before each later attempt; it
// sleeps until the generation moves on or its backoff ends. A releaser first
// deletes its record, then bumps the generation and wakes the stripe, but
// only if someone is registered: an uncontended lock cycle touches neither
// the stripe's mutex nor its counters.
//
// From its registration on, no wake-up is lost: a later failed attempt saw
// the holder's record, so that attempt's critical section in the backend (a
// mutex on the key) preceded the release's; the waiter registered before
// it, hence the releaser, reading the count after its own critical section,
// sees it. A release that lands between the first failed attempt and the
// registration (a window of a few instructions) is noticed at the end of the
// first backoff, about 1 ms. Unrelated keys sharing a stripe only cause an
// early retry.
#ifndef REGIONKV_REGION_LOCKING_LOCK_WAITERS_H_
#define REGIONKV_REGION_LOCKING_LOCK_WAITERS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace regionkv::locking {

// Thread-safe.
class LockWaiters {
 private:
  struct Stripe;

 public:
  static constexpr std::size_t kStripes = 64;

  // A registration as a waiter for one lock key, until it goes away.
  // Move-only; used by one thread.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket();

    // Read before each attempt; pass to wait() after a failed one.
    std::uint64_t generation() const;
    // Sleeps until a release on this key's stripe since `seen_generation`,
    // or `timeout`, whichever comes first.
    void wait(std::uint64_t seen_generation, std::chrono::nanoseconds timeout) const;

   private:
    friend class LockWaiters;
    explicit Ticket(Stripe* stripe);
    Stripe* stripe_;
  };

  Ticket enter(std::string_view lock_key);
  // Call after the lock record at `lock_key` was deleted. Cheap when nobody
  // waits.
  void notify(std::string_view lock_key);

 private:
  // Padded so neighbouring stripes do not share a cache line.
  struct alignas(64) Stripe {
    std::atomic<std::uint32_t> waiting{0};     // registered Tickets
    std::atomic<std::uint64_t> generation{0};  // written under mutex
    std::mutex mutex;
    std::condition_variable released;
  };
  Stripe& stripe(std::string_view lock_key);

  std::array<Stripe, kStripes> stripes_;
};

}  // namespace regionkv::locking

#endif  // REGIONKV_REGION_LOCKING_LOCK_WAITERS_H_
