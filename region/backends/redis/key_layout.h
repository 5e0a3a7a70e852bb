// Where a region's records live on Redis, readable in redis-cli:
//
//   rkv:<region>:{<bucket>}:<key>        a value; <key> is the stored
//                                        (mangled) key, a string
//   rkv:<region>:{<bucket>}:_lock<key>   the lock record of <key>: a hash
//                                        {<token>: "<acquired_at_ms>
//                                        <lease_ms>"} (lock_steps.h)
//   rkv:<region>:fencing                 the region's fencing counter
//                                        (standalone mode)
//   rkv:<region>:fencing:{<bucket>}      the counter of one bucket
//                                        (cluster mode)
//
// <region> is the region's name with '%', ':', braces, glob characters
// ('*', '?', '[', ']', '\') and bytes outside printable ASCII written as
// %XX, so `redis-cli --scan --pattern 'rkv:tokens:*'` lists a region and
// names never run into each other. <bucket> is 0..1023, the CRC16 of the
// stored key (without its "_lock" prefix) modulo 1024, written in decimal in
// braces: a hash tag. So a value, its lock record and -- in cluster mode --
// the counter its lock's tokens come from share a slot, and one script can
// touch all three; 1024 buckets spread a region over every master.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_KEY_LAYOUT_H_
#define REGIONKV_REGION_BACKENDS_REDIS_KEY_LAYOUT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace regionkv::redis {

// Immutable; thread-safe.
class KeyLayout {
 public:
  static constexpr std::uint32_t kBuckets = 1024;

  // `counter_per_bucket`: one fencing counter per bucket (cluster mode, where
  // a counter must share its keys' slot), else one per region.
  KeyLayout(std::string_view region_name, bool counter_per_bucket);

  // The Redis key of a backend key: a stored key, or a lock key ("_lock" +
  // stored key), which lands in its stored key's bucket.
  std::string redis_key(std::string_view backend_key) const;
  // The Redis key of the counter the tokens of `lock_key`'s lock come from.
  std::string counter_key(std::string_view lock_key) const;

  // The bucket of a backend key, "_lock" prefix ignored. (A stored key never
  // starts with "_lock": the region refuses such keys, so the two kinds of
  // backend key cannot be confused.)
  static std::uint32_t bucket_of(std::string_view backend_key);
  // "rkv:<region>:": what every key of the region starts with.
  const std::string& region_prefix() const { return region_prefix_; }
  bool counter_per_bucket() const { return counter_per_bucket_; }

 private:
  std::string region_prefix_;
  bool counter_per_bucket_;
};

// The region name as it appears in keys (see the top).
std::string escape_region_name(std::string_view name);

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_KEY_LAYOUT_H_
