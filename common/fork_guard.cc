#include "common/fork_guard.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "regionkv/errors.h"

namespace regionkv::common {
namespace {

std::atomic<std::uint64_t> process_generation{0};

void enter_new_generation() {
  process_generation.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t current_generation() {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, &enter_new_generation); });
  return process_generation.load(std::memory_order_relaxed);
}

}  // namespace

ForkGuard::ForkGuard() : generation_(current_generation()), made_by_pid_(::getpid()) {}

void ForkGuard::refuse(std::string_view what) const {
  throw StorageError(std::string(what) + ": this process (" + std::to_string(::getpid()) +
                     ") was forked from process " + std::to_string(made_by_pid_) +
                     ", which opened the store; a forked child may not use its parent's "
                     "Store, Regions or Locks (the store's files, lock and threads belong to "
                     "the parent). Open the store in each worker after fork, or keep shared "
                     "data in a region on the redis or memcached backing store");
}

bool ForkGuard::inherited() const noexcept {
  return process_generation.load(std::memory_order_relaxed) != generation_;
}

void abandon_in_child(std::shared_ptr<void> object) {
  // Never destroyed; a child has one thread until it starts more, but the
  // mutex keeps abandoning from several of them safe.
  static auto* abandoned = new std::vector<std::shared_ptr<void>>();
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  abandoned->push_back(std::move(object));
}

}  // namespace regionkv::common
