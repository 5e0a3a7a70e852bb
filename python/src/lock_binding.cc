// regionkv.Lock.
#include <pybind11/pybind11.h>

#include <string>

#include "bindings.h"
#include "lock_handle.h"
#include "python_time.h"

namespace py = pybind11;

namespace regionkv::python {

void bind_lock(py::module_& module) {
  py::class_<LockHandle>(module, "Lock", R"doc(
A lock on one key of one region, from Region.get_lock().

Pass it to Region.set/erase to write only while it holds. Release it with
release(), or use it as a context manager:

    with region.get_lock("k") as lock:
        region.set("k", b"v", lock)

A Lock that is garbage-collected while active is released. Closing its store
releases it too; afterwards release() does nothing and writes under it raise
regionkv.Error.)doc")
      .def_property_readonly("active", &LockHandle::active,
                             "False once released (or its store closed).")
      .def_property_readonly("key", &LockHandle::key, "The key the lock protects, as given.")
      .def_property_readonly("fencing_token", &LockHandle::fencing_token,
                             "Strictly increasing per region; 0 when the region has locking off.")
      .def_property_readonly(
          "acquired_at", [](const LockHandle& self) { return to_unix_seconds(self.acquired_at()); },
          "When the lock was taken, in seconds since the Unix epoch.")
      .def("release", &LockHandle::release, R"doc(release(self)
--

Deletes the lock record if it still carries this lock's token. Idempotent.)doc")
      .def(
          "__enter__", [](py::object self) { return self; }, "__enter__(self)\n--\n\n")
      .def(
          "__exit__", [](LockHandle& self, const py::args&) { self.release(); },
          "__exit__(self, *exc_info)\n--\n\nReleases the lock.")
      .def(
          "__repr__",
          [](const LockHandle& self) {
            return "<regionkv.Lock key=" + py::repr(self.key()).cast<std::string>() +
                   " fencing_token=" + std::to_string(self.fencing_token()) +
                   (self.active() ? " active>" : " released>");
          },
          "__repr__(self)\n--\n\n");
}

}  // namespace regionkv::python
