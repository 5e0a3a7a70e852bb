// regionkv: an embedded key-value store of named regions, with locks that
// outlive a crash only as long as their lease, and values that expire.
//
//   auto store = regionkv::Store::open("/var/lib/myapp/kv");
//   regionkv::Region& tokens = store->region("tokens");
//   tokens.configure({});                       // RocksDB-backed, defaults
//   tokens.set("user-42", "secret");
//   {
//     regionkv::Lock lock = tokens.get_lock("user-42");
//     tokens.erase("user-42", lock);            // only while the lock holds
//   }
//
// Everything lives in namespace regionkv. Link regionkv::regionkv.
#ifndef REGIONKV_REGIONKV_H_
#define REGIONKV_REGIONKV_H_

#include "regionkv/backend.h"
#include "regionkv/errors.h"
#include "regionkv/inspect.h"
#include "regionkv/key_mangler.h"
#include "regionkv/lock.h"
#include "regionkv/lock_backend.h"
#include "regionkv/memcached.h"
#include "regionkv/memory_backend.h"
#include "regionkv/printable.h"
#include "regionkv/redis.h"
#include "regionkv/region.h"
#include "regionkv/region_config.h"
#include "regionkv/region_context.h"
#include "regionkv/repair.h"
#include "regionkv/registry.h"
#include "regionkv/store.h"
#include "regionkv/store_options.h"
#include "regionkv/sweep.h"
#include "regionkv/time_source.h"

#endif  // REGIONKV_REGIONKV_H_
