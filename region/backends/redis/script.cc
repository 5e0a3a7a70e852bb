#include "region/backends/redis/script.h"

namespace regionkv::redis {

Script::Script(std::string name, std::string text)
    : name_(std::move(name)),
      text_(std::move(text)),
      call_label_(name_ + " script"),
      load_label_("SCRIPT LOAD of the " + name_ + " script") {}

std::optional<std::string> Script::sha1() const {
  if (!sha1_known()) return std::nullopt;
  return sha1_;
}

void Script::learn_sha1(std::string sha1) const {
  std::lock_guard lock(learn_mutex_);
  if (sha1_known_.load(std::memory_order_relaxed)) return;
  sha1_ = std::move(sha1);
  sha1_known_.store(true, std::memory_order_release);
}

Command Script::call(std::size_t key_count) const {
  const bool known = sha1_known();
  Command command(known ? "EVALSHA" : "EVAL");
  command.arg(known ? sha1_ : text_)
      .arg(static_cast<std::int64_t>(key_count))
      .set_label(call_label_);
  return command;
}

Command Script::load() const {
  Command command("SCRIPT");
  command.arg("LOAD").arg(text_).set_label(load_label_);
  return command;
}

}  // namespace regionkv::redis
