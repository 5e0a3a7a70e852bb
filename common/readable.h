// What a read sees, in every store: the one rule the stores' reads, the
// memory store's map and the rocksdb sweeper each apply.
#ifndef REGIONKV_COMMON_READABLE_H_
#define REGIONKV_COMMON_READABLE_H_

#include "regionkv/time_source.h"

namespace regionkv::common {

// Whether a stored record reads as present at `now`: while it is live
// (is_live), and a value also after it expired when its key is one of the
// region's no-expiry keys. A lease is never exempt: a lock always ends.
// `is_no_expiry_key()` is called only for an expired value, as the lookup
// costs more than the rest.
template <typename IsNoExpiryKey>
bool is_readable(const ExpiresAt& expires_at, TimePoint now, bool is_lease,
                 IsNoExpiryKey&& is_no_expiry_key) {
  return is_live(expires_at, now) || (!is_lease && is_no_expiry_key());
}

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_READABLE_H_
