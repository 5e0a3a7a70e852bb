// regionkv.Region: a regionkv::Region and the store that must be open to use
// it. Every method enters the store first (StoreHandle::enter), so a Region
// used after its store closed raises regionkv.Error.
#ifndef REGIONKV_PYTHON_REGION_HANDLE_H_
#define REGIONKV_PYTHON_REGION_HANDLE_H_

#include <regionkv/regionkv.h>

#include <memory>
#include <string>

#include "store_handle.h"

namespace regionkv::python {

class RegionHandle {
 public:
  RegionHandle(std::shared_ptr<StoreHandle> store, Region& region)
      : store_(std::move(store)), region_(region), name_(region.name()) {}

  const std::shared_ptr<StoreHandle>& store() const { return store_; }
  const std::string& name() const { return name_; }

  // The region, for the length of a call. Throws regionkv::Error if the
  // store is closed. REQUIRES: the GIL is held.
  StoreHandle::Call enter() const { return store_->enter(); }
  // REQUIRES: a Call from enter() is in flight.
  Region& region() const { return region_; }

  // What a call does, which decides whether it releases the GIL (gil.h).
  enum class CallKind { kSingleKeyRead, kMultiKeyRead, kWrite };
  // REQUIRES: a Call is in flight.
  bool releases_gil(CallKind kind) const {
    if (!region_.configured()) return false;  // throws ConfigError at once
    const std::string& backing_store = region_.config().backing_store;
    if (backing_store == "memory") return false;
    if (backing_store == "rocksdb") return kind != CallKind::kSingleKeyRead;
    return true;  // a server, or a store we know nothing of
  }

 private:
  const std::shared_ptr<StoreHandle> store_;
  Region& region_;  // valid while store_ is open
  const std::string name_;
};

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_REGION_HANDLE_H_
