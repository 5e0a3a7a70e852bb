// The Lua scripts behind the region's locks and multi-key writes. Redis runs
// a script atomically: no other command of any client runs between its
// first and its last call, so each check-then-write below is one step,
// exactly as the RocksDB store's striped mutex makes it one step in-process.
// Every key a script touches is passed in KEYS and shares one hash tag
// (key_layout.h), so each script also runs on a Redis Cluster.
//
// Lock record: a hash with one field, named by the holder's fencing token,
// holding "<acquired_at_ms> <lease_ms>", with the lease as its PEXPIRE (none
// when the lease is 0, never runs out), so the server's clock decides when a
// lease has run out and the record vanishes. The token as the field's name
// makes releasing one plain HDEL, cheaper on the server than any script: it
// deletes the field -- and with it the record -- only if the record carries
// that token.
//
//   acquire  KEYS: record, counter.  ARGV: "<now_ms> <lease_ms>", lease_ms.
//            If the record exists (a live lease): -2 - its PTTL, or -1 if it
//            never runs out. Else INCR the counter, write the record
//            carrying the token, expire it after the lease: the token (> 0).
//            A refused attempt takes no token, and the token is drawn
//            inside the step that grants it, so one key's grants carry
//            increasing tokens in grant order.
//            No grant says it took over a spent lease (LockGrant::took_over):
//            the server drops a spent record, so nothing is left to tell.
//   (release is no script: a plain HDEL of the token's field deletes the
//   record only if it carries that token, in one command; see
//   lock_scripts.h.)
//   set_locked / erase_locked
//            KEYS: record, value.  ARGV: token, now_ms, then (set) value, ttl.
//            Writes only if the record carries the token AND the time rule
//            holds for it: lease_ms == 0 or now_ms + 2000 <= acquired_at_ms +
//            lease_ms (lock::judge_locked_write: a holder stops writing 2 s
//            before its lease runs out). now_ms is the caller's clock, as
//            acquired_at_ms was. 1 applied, 0 lock lost; erase: 2 when the
//            lock held but there was no value; 3 when the token's terms are
//            unreadable.
//   set_multi
//            KEYS: values.  ARGV: value, ttl for each key, in order.
//
// ttl (value_expiry.h): "" never expires, "0" expired (delete), else PX ms.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_REGION_SCRIPTS_H_
#define REGIONKV_REGION_BACKENDS_REDIS_REGION_SCRIPTS_H_

#include "region/backends/redis/script.h"

namespace regionkv::redis {

struct RegionScripts {
  Script acquire;
  Script set_locked;
  Script erase_locked;
  Script set_multi;
};

// Built once; thread-safe.
const RegionScripts& region_scripts();

// What the locked-write scripts answer.
inline constexpr long long kScriptLockLost = 0;
inline constexpr long long kScriptApplied = 1;
inline constexpr long long kScriptKeyAbsent = 2;
inline constexpr long long kScriptUnreadableRecord = 3;

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_REGION_SCRIPTS_H_
