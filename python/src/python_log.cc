#include "python_log.h"

#include <Python.h>
#include <pthread.h>
#include <pybind11/pybind11.h>

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "gil.h"

namespace py = pybind11;

namespace regionkv::python {
namespace {

struct Relay {
  std::condition_variable changed;
  std::deque<std::string> lines;  // queued, not yet taken by the thread
  std::uint64_t queued = 0;       // lines ever queued
  std::uint64_t logged = 0;       // lines ever logged (or found undeliverable)
  bool stopped = false;
  std::optional<std::thread> thread;  // started with the first line
};

// One mutex for the relay and the pointer to it, so that fork() (which
// takes it first, see below) never leaves it locked in the child.
std::mutex relay_mutex;
Relay* relay = nullptr;  // guarded by relay_mutex; created on first use

void write_to_stderr(std::string_view line) {
  std::fprintf(stderr, "regionkv: %.*s\n", static_cast<int>(line.size()), line.data());
}

void log_to_python(const std::deque<std::string>& lines) {
  if (!interpreter_running()) {
    for (const std::string& line : lines) write_to_stderr(line);
    return;
  }
  py::gil_scoped_acquire gil;
  try {
    const py::object logger = py::module_::import("logging").attr("getLogger")("regionkv");
    for (const std::string& line : lines) {
      // Lines may quote keys that are not UTF-8.
      const auto text = py::reinterpret_steal<py::str>(PyUnicode_DecodeUTF8(
          line.data(), static_cast<Py_ssize_t>(line.size()), "backslashreplace"));
      logger.attr("warning")("%s", text);
    }
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable("regionkv's log relay");
  }
}

void relay_lines(Relay* r) {
  std::unique_lock lock(relay_mutex);
  for (;;) {
    r->changed.wait(lock, [&] { return !r->lines.empty() || r->stopped; });
    if (r->lines.empty()) return;  // stopped, and everything logged
    std::deque<std::string> batch;
    batch.swap(r->lines);
    lock.unlock();
    log_to_python(batch);
    lock.lock();
    r->logged += batch.size();
    r->changed.notify_all();
  }
}

// fork(): the child gets none of the parent's threads, so it forgets the
// parent's relay (leaked: its thread object must not be touched) and starts
// its own on its first line. Taking relay_mutex before the fork means no
// other thread holds it in the child.
void forget_relay_in_child() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    pthread_atfork([] { relay_mutex.lock(); }, [] { relay_mutex.unlock(); },
                   [] {
                     relay = nullptr;
                     relay_mutex.unlock();
                   });
  });
}

void post(std::string_view line) {
  forget_relay_in_child();
  std::lock_guard lock(relay_mutex);
  if (!relay) relay = new Relay;
  if (relay->stopped) return write_to_stderr(line);
  if (!relay->thread) {
    try {
      relay->thread.emplace(relay_lines, relay);
    } catch (const std::system_error&) {
      return write_to_stderr(line);
    }
  }
  relay->lines.emplace_back(line);
  ++relay->queued;
  relay->changed.notify_all();
}

}  // namespace

std::function<void(std::string_view)> python_log() { return post; }

void flush_python_log() {
  without_gil([] {
    std::unique_lock lock(relay_mutex);
    Relay* r = relay;
    if (!r || !r->thread) return;
    const std::uint64_t target = r->queued;
    r->changed.wait(lock, [&] { return r->logged >= target || r->stopped; });
  });
}

void stop_python_log() {
  Relay* r = nullptr;
  {
    std::lock_guard lock(relay_mutex);
    r = relay;
    if (!r || r->stopped) return;
    r->stopped = true;
    r->changed.notify_all();
    if (!r->thread) return;
  }
  without_gil([&] { r->thread->join(); });
}

}  // namespace regionkv::python
