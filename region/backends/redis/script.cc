#include "region/backends/redis/script.h"

#include "region/backends/redis/sha1.h"

namespace regionkv::redis {

Script::Script(std::string name, std::string text)
    : name_(std::move(name)),
      text_(std::move(text)),
      sha1_(sha1_hex(text_)),
      call_label_(name_ + " script"),
      load_label_("SCRIPT LOAD of the " + name_ + " script") {}

Command Script::call(std::size_t key_count) const {
  Command command("EVALSHA");
  command.arg(sha1_).arg(static_cast<std::int64_t>(key_count)).set_label(call_label_);
  return command;
}

Command Script::load() const {
  Command command("SCRIPT");
  command.arg("LOAD").arg(text_).set_label(load_label_);
  return command;
}

}  // namespace regionkv::redis
