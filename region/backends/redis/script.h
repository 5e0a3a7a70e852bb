// A Lua script run with EVALSHA. Its SHA-1 is computed here, so every call
// is an EVALSHA; a server that does not hold the script (first use, a
// restart, a failover, SCRIPT FLUSH) answers NOSCRIPT, and RedisClient then
// loads it on that connection (SCRIPT LOAD) and sends the call again, once.
// Why not Redis 7 functions (FUNCTION LOAD): they would survive restarts
// without reloading, but they are a global, named library every node of a
// cluster must be given (including nodes added later), ACL rules must allow
// it, and a stale version under the same name would be called silently.
// EVALSHA heals itself on whichever node it reaches and works on Redis 2.6+.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_SCRIPT_H_
#define REGIONKV_REGION_BACKENDS_REDIS_SCRIPT_H_

#include <cstddef>
#include <string>

#include "region/backends/redis/command.h"

namespace regionkv::redis {

// Immutable; thread-safe.
class Script {
 public:
  // `name` says what the script does in error messages ("lock acquire").
  Script(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  const std::string& sha1() const { return sha1_; }

  // "EVALSHA <sha1> <key_count>", labelled with the script's name; the
  // caller appends the keys, then the arguments.
  Command call(std::size_t key_count) const;
  // "SCRIPT LOAD <text>".
  Command load() const;

 private:
  std::string name_;
  std::string text_;
  std::string sha1_;
  std::string call_label_;  // "<name> script"
  std::string load_label_;  // "SCRIPT LOAD of the <name> script"
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_SCRIPT_H_
