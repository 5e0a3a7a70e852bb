#include "region/backends/backend_wiring.h"

#include "region/backends/rocksdb_backend.h"

namespace regionkv::internal {

void BackendWiring::wrap(ProxyBackend& proxy, std::unique_ptr<Backend> inner) {
  proxy.proxied_ = std::move(inner);
}

void BackendWiring::attach(Backend& outermost, std::shared_ptr<const RegionContext> context) {
  for (Backend* backend = &outermost; backend != nullptr;) {
    backend->context_ = context;
    auto* proxy = dynamic_cast<ProxyBackend*>(backend);
    backend = proxy != nullptr ? proxy->proxied_.get() : nullptr;
  }
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
  while (auto* proxy = dynamic_cast<ProxyBackend*>(backend)) backend = &proxy->proxied();
  return *backend;
}

}  // namespace regionkv::internal
