// Per memcached server, the calls a driver made and how they ended
// (ServerStats in include/regionkv/stats.h).
#ifndef REGIONKV_REGION_BACKENDS_MEMCACHED_SERVER_TALLY_H_
#define REGIONKV_REGION_BACKENDS_MEMCACHED_SERVER_TALLY_H_

#include <libmemcached/memcached.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "regionkv/stats.h"

namespace regionkv::memcached {

// Thread-safe. A key's server is the one libmemcached sends it to (its
// consistent hashing), found by position in the client's server list.
class ServerTally {
 public:
  // `configured`: a client with every server added, as clones of it are.
  explicit ServerTally(const memcached_st* configured);

  // A call on `key` was answered, or failed with `rc` (each a round trip).
  void answered(const memcached_st* client, std::string_view key);
  void failed(const memcached_st* client, std::string_view key, memcached_return_t rc);
  // A call on `keys` was answered, or failed: once for each server they
  // live on.
  void answered(const memcached_st* client, const std::vector<std::string>& keys);
  void failed(const memcached_st* client, const std::vector<std::string>& keys,
              memcached_return_t rc);

  std::vector<ServerStats> snapshot() const;

 private:
  struct Counts {
    std::string name;
    std::atomic<std::uint64_t> round_trips{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> timeouts{0};
  };
  Counts* counts_for(const memcached_st* client, std::string_view key);
  // Calls `count(key)` for one key of each server among `keys`.
  template <typename Count>
  void once_per_server(const memcached_st* client, const std::vector<std::string>& keys,
                       Count count) const;

  std::vector<std::unique_ptr<Counts>> servers_;  // by position; fixed after construction
};

}  // namespace regionkv::memcached

#endif  // REGIONKV_REGION_BACKENDS_MEMCACHED_SERVER_TALLY_H_
