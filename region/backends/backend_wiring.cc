#include "region/backends/backend_wiring.h"

#include "region/backends/rocksdb_backend.h"

namespace regionkv::internal {

void BackendWiring::wrap(ProxyBackend& proxy, std::unique_ptr<Backend> inner) {
  proxy.proxied_ = std::move(inner);
}

Backend* BackendWiring::below(Backend& backend) {
  auto* proxy = dynamic_cast<ProxyBackend*>(&backend);
  return proxy != nullptr ? proxy->proxied_.get() : nullptr;
}

void BackendWiring::attach(Backend& outermost, std::shared_ptr<const RegionContext> context) {
  for (Backend* backend = &outermost; backend != nullptr; backend = below(*backend))
    backend->context_ = context;
}

void BackendWiring::change_mangling(Backend& outermost, RegionContext& context, KeyMangler mangler,
                                    std::set<std::string> raw_keys) {
  auto change = RegionContext::prepare(std::move(mangler), std::move(raw_keys));
  const auto switch_reads = [&] { context.apply(std::move(change)); };
  // Only the rocksdb store keeps a copy of the set of its own.
  if (auto* rocksdb = dynamic_cast<RocksDBBackend*>(&backing_store(outermost)))
    rocksdb->change_no_expiry_keys(change.hashed_keys, switch_reads);
  else
    switch_reads();
}

Backend& BackendWiring::backing_store(Backend& outermost) {
  Backend* backend = &outermost;
  while (Backend* next = below(*backend)) backend = next;
  return *backend;
}

}  // namespace regionkv::internal
