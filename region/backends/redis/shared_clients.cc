#include "region/backends/redis/shared_clients.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "common/fork_guard.h"

namespace regionkv::redis {
namespace {

// What makes two regions' connections interchangeable: everything a
// connection is opened with, and the pool's size. (max_value_size is not a
// connection setting.)
using ClientIdentity = std::tuple<std::string, int, std::string, std::string, std::string,
                                  long long, long long, std::size_t>;

ClientIdentity identity_of(const RedisOptions& options) {
  std::string seeds;
  for (const auto& seed : options.cluster_seeds) seeds += seed.to_string() + ",";
  return {options.cluster_mode() ? std::string() : options.server.to_string(),
          options.database,
          options.credentials.user,
          options.credentials.password,
          seeds,
          options.connect_timeout.count(),
          options.io_timeout.count(),
          options.pool_size};
}

struct Clients {
  // The process whose clients these are.
  common::ForkGuard made_in;
  // In a forked child, the set the fork left behind: kept reachable (never
  // freed, never used) so the parent's regions' clients stay as they were.
  Clients* inherited = nullptr;
  std::mutex mutex;
  std::map<ClientIdentity, std::weak_ptr<RedisClient>> by_identity;  // guarded by mutex
};

Clients& clients() {
  static std::atomic<Clients*> current{new Clients()};  // never destroyed: used until exit
  Clients* in_use = current.load(std::memory_order_acquire);
  while (in_use->made_in.inherited()) {
    // A forked child starts a set of its own. The parent's clients hold the
    // parent's sockets (two processes on one connection read each other's
    // replies), and a thread of the parent may have held their mutex at
    // the fork. They stay as the fork left them, for the parent's regions,
    // which refuse every call in the child.
    auto* fresh = new Clients();
    fresh->inherited = in_use;
    if (current.compare_exchange_strong(in_use, fresh, std::memory_order_acq_rel)) return *fresh;
    delete fresh;  // another thread of the child was first: in_use is its set
  }
  return *in_use;
}

}  // namespace

std::shared_ptr<RedisClient> shared_client(const RedisOptions& options) {
  Clients& all = clients();
  std::lock_guard lock(all.mutex);
  std::erase_if(all.by_identity, [](const auto& entry) { return entry.second.expired(); });
  std::weak_ptr<RedisClient>& slot = all.by_identity[identity_of(options)];
  std::shared_ptr<RedisClient> client = slot.lock();
  if (!client) {
    client = std::make_shared<RedisClient>(options);
    slot = client;
  }
  return client;
}

}  // namespace regionkv::redis
