// How a Region wires itself to the backends it configures, kept out of the
// public Backend, ProxyBackend and RegionContext (LevelDB's
// WriteBatchInternal pattern): those classes name this one a friend, and
// only the library includes this header.
#ifndef REGIONKV_REGION_BACKENDS_BACKEND_WIRING_H_
#define REGIONKV_REGION_BACKENDS_BACKEND_WIRING_H_

#include <memory>
#include <set>
#include <string>

#include "regionkv/backend.h"
#include "regionkv/key_mangler.h"
#include "regionkv/region_context.h"

namespace regionkv::internal {

class BackendWiring {
 public:
  // Makes `inner` the backend `proxy` forwards to. Once per proxy, innermost
  // proxy first.
  static void wrap(ProxyBackend& proxy, std::unique_ptr<Backend> inner);

  // `outermost` and every backend below it read `context` from now on.
  static void attach(Backend& outermost, std::shared_ptr<const RegionContext> context);

  // Makes `mangler` and `raw_keys` (hashed through it; the raw set when it is
  // empty) the context's. The backing store at the bottom of `outermost`'s
  // chain sees the hashed set before reads use it: the rocksdb store, which
  // keeps a copy for its sweeper, widens that copy first and narrows it
  // after (engine/no_expiry_keys.h). The caller serialises calls.
  static void change_mangling(Backend& outermost, RegionContext& context, KeyMangler mangler,
                              std::set<std::string> raw_keys);

 private:
  // The backend `backend` forwards to if it is a proxy; null for the
  // backing store (or a proxy not wrapped yet). The one step of every walk
  // down a chain.
  static Backend* below(Backend& backend);
  // The backing store under every proxy of the chain.
  static Backend& backing_store(Backend& outermost);
};

}  // namespace regionkv::internal

#endif  // REGIONKV_REGION_BACKENDS_BACKEND_WIRING_H_
