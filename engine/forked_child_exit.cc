#include "engine/forked_child_exit.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace regionkv::engine {
namespace {

void exit_without_inherited_destructors(int status, void*) {
  std::fflush(nullptr);
  _exit(status);
}

void in_child() { on_exit(&exit_without_inherited_destructors, nullptr); }

}  // namespace

void protect_forked_children_from_rocksdb_exit() {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, &in_child); });
}

}  // namespace regionkv::engine
