// One RedisClient per set of connection options in a process. Every region
// configured against the same servers with the same url (credentials and
// database included), cluster seeds, timeouts and pool size shares one
// client: its connection pools, so a process holds at most pool_size
// connections per server for all those regions together instead of
// pool_size per region, and (Cluster mode) one slot map. Regions with other
// options get a client of their own, and so do the regions a forked child
// configures: a child never shares a client (its sockets) with its parent.
//
// The trade-off: those regions' calls share the pool's connections, so a
// burst on one region can make calls on another wait for a connection
// (within their io_timeout, as any caller waits when pool_size connections
// are busy).
#ifndef REGIONKV_REGION_BACKENDS_REDIS_SHARED_CLIENTS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_SHARED_CLIENTS_H_

#include <memory>

#include "region/backends/redis/redis_client.h"
#include "region/backends/redis/redis_options.h"

namespace regionkv::redis {

// The client for `options`, made on first use and kept while anyone holds
// it. Contacts no server. Thread-safe.
std::shared_ptr<RedisClient> shared_client(const RedisOptions& options);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_SHARED_CLIENTS_H_
