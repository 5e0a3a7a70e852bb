#include "region/backends/memcached/server_tally.h"

#include "region/backends/memcached/libmemcached_options.h"

namespace regionkv::memcached {

ServerTally::ServerTally(const memcached_st* configured) {
  const std::uint32_t count = memcached_server_count(configured);
  for (std::uint32_t position = 0; position < count; ++position) {
    const memcached_instance_st* server =
        memcached_server_instance_by_position(configured, position);
    auto counts = std::make_unique<Counts>();
    counts->name = ServerAddress{memcached_server_name(server), memcached_server_port(server)}
                       .to_string();
    servers_.push_back(std::move(counts));
  }
}

ServerTally::Counts* ServerTally::counts_for(const memcached_st* client, std::string_view key) {
  if (servers_.empty()) return nullptr;
  const std::uint32_t position = memcached_generate_hash(client, key.data(), key.size());
  return position < servers_.size() ? servers_[position].get() : nullptr;
}

void ServerTally::answered(const memcached_st* client, std::string_view key) {
  if (Counts* counts = counts_for(client, key))
    counts->round_trips.fetch_add(1, std::memory_order_relaxed);
}

void ServerTally::failed(const memcached_st* client, std::string_view key,
                         memcached_return_t rc) {
  Counts* counts = counts_for(client, key);
  if (counts == nullptr) return;
  counts->round_trips.fetch_add(1, std::memory_order_relaxed);
  counts->errors.fetch_add(1, std::memory_order_relaxed);
  if (rc == MEMCACHED_TIMEOUT) counts->timeouts.fetch_add(1, std::memory_order_relaxed);
}

template <typename Count>
void ServerTally::once_per_server(const memcached_st* client,
                                  const std::vector<std::string>& keys, Count count) const {
  std::vector<bool> seen(servers_.size());
  for (const auto& key : keys) {
    const std::uint32_t position = memcached_generate_hash(client, key.data(), key.size());
    if (position >= seen.size() || seen[position]) continue;
    seen[position] = true;
    count(key);
  }
}

void ServerTally::answered(const memcached_st* client, const std::vector<std::string>& keys) {
  once_per_server(client, keys, [&](std::string_view key) { answered(client, key); });
}

void ServerTally::failed(const memcached_st* client, const std::vector<std::string>& keys,
                         memcached_return_t rc) {
  once_per_server(client, keys, [&](std::string_view key) { failed(client, key, rc); });
}

std::vector<ServerStats> ServerTally::snapshot() const {
  std::vector<ServerStats> stats;
  for (const auto& counts : servers_)
    stats.push_back(ServerStats{counts->name, counts->round_trips.load(std::memory_order_relaxed),
                                counts->errors.load(std::memory_order_relaxed),
                                counts->timeouts.load(std::memory_order_relaxed)});
  return stats;
}

}  // namespace regionkv::memcached
