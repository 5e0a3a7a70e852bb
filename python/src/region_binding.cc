// regionkv.Region. Each method: enter the store (regionkv.Error once it is
// closed), convert the arguments under the GIL, make one C++ call (without
// the GIL where it can wait, gil.h), convert the result under the GIL.
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "byte_conversion.h"
#include "gil.h"
#include "lock_handle.h"
#include "python_callables.h"
#include "region_config_from_python.h"
#include "region_handle.h"

namespace py = pybind11;
using ByteKind = regionkv::python::ByteArg::Kind;

namespace regionkv::python {
namespace {

using CallKind = RegionHandle::CallKind;

void configure(const RegionHandle& self, ConfigureArguments arguments) {
  const auto call = self.enter();
  RegionConfig config = region_config_from_python(arguments);
  // Creates the column family (RocksDB I/O); may call a Python key mangler.
  without_gil([&] { self.region().configure(std::move(config)); });
}

py::bytes get(const RegionHandle& self, py::handle key) {
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  const std::string value = maybe_without_gil(self.releases_gil(CallKind::kSingleKeyRead),
                                              [&] { return self.region().get(k.view()); });
  return to_bytes(value);
}

py::object find(const RegionHandle& self, py::handle key) {
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  const std::optional<std::string> value = maybe_without_gil(
      self.releases_gil(CallKind::kSingleKeyRead), [&] { return self.region().find(k.view()); });
  if (!value) return py::none();
  return to_bytes(*value);
}

py::list to_list(const std::vector<std::optional<std::string>>& values) {
  py::list list(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    list[i] = values[i] ? py::object(to_bytes(*values[i])) : py::object(py::none());
  return list;
}

py::list get_multi(const RegionHandle& self, py::handle keys) {
  const auto call = self.enter();
  const std::vector<std::string> k = key_strings(keys);
  const std::vector<std::string> values = maybe_without_gil(
      self.releases_gil(CallKind::kMultiKeyRead), [&] { return self.region().get_multi(k); });
  py::list list(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) list[i] = to_bytes(values[i]);
  return list;
}

// get_multi without NotFound: None for each missing key. The common case
// (every key present) is one multi-key read; a miss falls back to a find
// per key.
py::list find_multi(const RegionHandle& self, py::handle keys) {
  const auto call = self.enter();
  const std::vector<std::string> k = key_strings(keys);
  const auto values = maybe_without_gil(self.releases_gil(CallKind::kMultiKeyRead), [&] {
    std::vector<std::optional<std::string>> found;
    found.reserve(k.size());
    try {
      for (std::string& value : self.region().get_multi(k)) found.emplace_back(std::move(value));
    } catch (const NotFound&) {
      found.clear();
      for (const std::string& key : k) found.push_back(self.region().find(key));
    }
    return found;
  });
  return to_list(values);
}

void set(const RegionHandle& self, py::handle key, py::handle value, LockHandle* lock) {
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  const ByteArg v(value, ByteKind::kValue);
  if (!lock) {
    maybe_without_gil(self.releases_gil(CallKind::kWrite),
                      [&] { self.region().set(k.view(), v.view()); });
    return;
  }
  lock->write_under([&](const Lock& held) {
    maybe_without_gil(self.releases_gil(CallKind::kWrite),
                      [&] { self.region().set(k.view(), v.view(), held); });
  });
}

void set_multi(const RegionHandle& self, py::handle mapping) {
  const auto call = self.enter();
  const auto items = items_from_mapping(mapping);
  maybe_without_gil(self.releases_gil(CallKind::kWrite), [&] { self.region().set_multi(items); });
}

void erase(const RegionHandle& self, py::handle key, LockHandle* lock) {
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  if (!lock) {
    maybe_without_gil(self.releases_gil(CallKind::kWrite), [&] { self.region().erase(k.view()); });
    return;
  }
  lock->write_under([&](const Lock& held) {
    maybe_without_gil(self.releases_gil(CallKind::kWrite),
                      [&] { self.region().erase(k.view(), held); });
  });
}

void erase_multi(const RegionHandle& self, py::handle keys) {
  const auto call = self.enter();
  const std::vector<std::string> k = key_strings(keys);
  maybe_without_gil(self.releases_gil(CallKind::kWrite), [&] { self.region().erase_multi(k); });
}

std::unique_ptr<LockHandle> get_lock(const RegionHandle& self, py::handle key) {
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  // May wait: Ctrl-C ends the wait (python_signal_check).
  Lock lock = without_gil([&] { return self.region().get_lock(k.view(), python_signal_check()); });
  return std::make_unique<LockHandle>(self.store(), std::move(lock),
                                      py::reinterpret_borrow<py::object>(key));
}

bool is_locked(const RegionHandle& self, py::handle key) {
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  // A read of one lock record: in memory on rocksdb and memory, a round trip
  // on a server.
  return maybe_without_gil(self.releases_gil(CallKind::kSingleKeyRead),
                           [&] { return self.region().is_locked(k.view()); });
}

py::bytes get_or_create(const RegionHandle& self, py::handle key, py::handle creator) {
  if (!PyCallable_Check(creator.ptr())) throw py::type_error("creator must be callable");
  const auto call = self.enter();
  const ByteArg k(key, ByteKind::kKey);
  const std::string value = without_gil([&] {  // may wait for the key's lock
    return self.region().get_or_create(
        k.view(), [&] { return call_creator(creator); }, python_signal_check());
  });
  return to_bytes(value);
}

}  // namespace

void bind_region(py::module_& module) {
  py::class_<RegionHandle, std::shared_ptr<RegionHandle>>(module, "Region", R"doc(
A named keyspace of a Store, from Store.region(name): the same object while
anyone holds it. Configure it once, then read and write.

Keys are str (stored as UTF-8) or bytes; values bytes (a str is stored as
UTF-8); reads return bytes. Every data call raises ConfigError until
configure() has run, and regionkv.Error once the store is closed. A call that
raises has changed nothing that was stored.)doc")
      .def_property_readonly("name", &RegionHandle::name)
      .def_property_readonly("configured",
                             [](const RegionHandle& self) {
                               const auto call = self.enter();
                               return self.region().configured();
                             })
      .def(
          "configure",
          [](const RegionHandle& self, py::object backing_store, py::object proxies,
             py::object locking, py::object enable_key_mangler, py::object key_mangler,
             py::object lock_timeout, py::object max_lock_attempts, py::object expire_time,
             py::object no_expiry_keys, py::object backend_args) {
            configure(self, ConfigureArguments{std::move(backing_store), std::move(proxies),
                                               std::move(locking), std::move(enable_key_mangler),
                                               std::move(key_mangler), std::move(lock_timeout),
                                               std::move(max_lock_attempts), std::move(expire_time),
                                               std::move(no_expiry_keys), std::move(backend_args)});
          },
          py::arg("backing_store") = "rocksdb", py::kw_only(), py::arg("proxies") = py::tuple(),
          py::arg("locking") = true, py::arg("enable_key_mangler") = true,
          py::arg("key_mangler") = py::none(), py::arg("lock_timeout") = 5.0,
          py::arg("max_lock_attempts") = 15, py::arg("expire_time") = py::none(),
          py::arg("no_expiry_keys") = py::tuple(), py::arg("backend_args") = py::none(),
          R"doc(configure(self, backing_store='rocksdb', *, proxies=(), locking=True, enable_key_mangler=True, key_mangler=None, lock_timeout=5.0, max_lock_attempts=15, expire_time=None, no_expiry_keys=(), backend_args=None)
--

Builds the backing store ("rocksdb", "memory", "memcached", "redis", or
registered) and its proxies. Exactly once: again raises ConfigError. Times
are seconds (int or float). A wrong type raises TypeError, an impossible
value ValueError, each naming the argument; strings are not converted.
key_mangler: a callable taking the key (str, or bytes if not UTF-8) and
returning str or bytes; None: the backend's own, else XXH3-128.
backend_args: e.g. {"url": "127.0.0.1:11211"} for memcached.)doc")
      .def("get", &get, py::arg("key"), R"doc(get(self, key)
--

The live value; NotFound if absent or expired.)doc")
      .def("find", &find, py::arg("key"), R"doc(find(self, key)
--

The live value, or None.)doc")
      .def("get_multi", &get_multi, py::arg("keys"), R"doc(get_multi(self, keys)
--

Values in key order; NotFound listing every missing key.)doc")
      .def("find_multi", &find_multi, py::arg("keys"), R"doc(find_multi(self, keys)
--

Values in key order, None for each missing key.)doc")
      .def("set", &set, py::arg("key"), py::arg("value"), py::arg("lock") = py::none(),
           R"doc(set(self, key, value, lock=None)
--

Writes the value; with lock, only while the lock holds (LockTimeout if not).)doc")
      .def("set_multi", &set_multi, py::arg("mapping"), R"doc(set_multi(self, mapping)
--

Writes every item; never locks.)doc")
      .def("erase", &erase, py::arg("key"), py::arg("lock") = py::none(),
           R"doc(erase(self, key, lock=None)
--

Removes the key; NotFound if absent or expired.)doc")
      .def("erase_multi", &erase_multi, py::arg("keys"), R"doc(erase_multi(self, keys)
--

Removes the keys; absent ones are skipped. Never locks.)doc")
      .def("get_lock", &get_lock, py::arg("key"), R"doc(get_lock(self, key)
--

Takes the key's lock, waiting between at most max_lock_attempts attempts
(the GIL released); then LockUnavailable. Ctrl-C ends the wait within about
50 ms with KeyboardInterrupt, holding nothing.)doc")
      .def("is_locked", &is_locked, py::arg("key"), R"doc(is_locked(self, key)
--

Whether someone holds the key's lock now: this process or another, through
this Region or another on the same records (on redis or memcached, another
process's or machine's). True while a lock record is there whose lease has
not run out, so that get_lock would wait. Takes nothing; the answer may be
out of date as soon as it returns. Always False with locking off. rocksdb
and memory judge the lease by the store's clock; redis and memcached by
their servers' (memcached up to 1 s late).)doc")
      .def("get_or_create", &get_or_create, py::arg("key"), py::arg("creator"),
           R"doc(get_or_create(self, key, creator)
--

The live value; otherwise takes the key's lock, reads again, and only if
still absent calls creator() once (with the GIL), stores and returns its
result (bytes or str). Concurrent callers run the creator once. Ctrl-C ends
a wait for the lock as in get_lock, before the creator runs.)doc")
      .def(
          "__repr__",
          [](const RegionHandle& self) {
            return "<regionkv.Region " + py::repr(py::str(self.name())).cast<std::string>() + ">";
          },
          "__repr__(self)\n--\n\n");
}

}  // namespace regionkv::python
