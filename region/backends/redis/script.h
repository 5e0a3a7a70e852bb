// A Lua script, called with EVALSHA by the SHA-1 the server gives for it.
// The first call in a process cannot know that SHA-1 (nothing here computes
// one): it is an EVAL of the text, sent by RedisClient right after a SCRIPT
// LOAD of it, whose answer is the SHA-1 every later call uses. A server that
// does not hold the script (a restart, a failover, SCRIPT FLUSH, another
// node) answers an EVALSHA with NOSCRIPT, and RedisClient then loads it on
// that connection and sends the call again, once.
// Why not Redis 7 functions (FUNCTION LOAD): they would survive restarts
// without reloading, but they are a global, named library every node of a
// cluster must be given (including nodes added later), ACL rules must allow
// it, and a stale version under the same name would be called silently.
// EVALSHA heals itself on whichever node it reaches and works on Redis 2.6+.
#ifndef REGIONKV_REGION_BACKENDS_REDIS_SCRIPT_H_
#define REGIONKV_REGION_BACKENDS_REDIS_SCRIPT_H_

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "region/backends/redis/command.h"

namespace regionkv::redis {

// Thread-safe: the SHA-1 is learnt once, the rest never changes.
class Script {
 public:
  // `name` says what the script does in error messages ("lock acquire").
  Script(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // The SHA-1 a server answered SCRIPT LOAD with; none before.
  std::optional<std::string> sha1() const;
  bool sha1_known() const { return sha1_known_.load(std::memory_order_acquire); }
  // Keeps a server's answer to load(); the first one wins (every server
  // answers the same for the same text).
  void learn_sha1(std::string sha1) const;

  // "EVALSHA <sha1> <key_count>", or "EVAL <text> <key_count>" while the
  // SHA-1 is not known, labelled with the script's name; the caller appends
  // the keys, then the arguments.
  Command call(std::size_t key_count) const;
  // "SCRIPT LOAD <text>".
  Command load() const;

 private:
  std::string name_;
  std::string text_;
  std::string call_label_;  // "<name> script"
  std::string load_label_;  // "SCRIPT LOAD of the <name> script"
  mutable std::mutex learn_mutex_;
  // Written once, under learn_mutex_, before sha1_known_ is set; read only
  // after sha1_known_ is seen set.
  mutable std::string sha1_;
  mutable std::atomic<bool> sha1_known_{false};
};

}  // namespace regionkv::redis

#endif  // REGIONKV_REGION_BACKENDS_REDIS_SCRIPT_H_
