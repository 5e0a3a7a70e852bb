#include "python_callables.h"

#include <Python.h>

#include <memory>
#include <utility>

#include "byte_conversion.h"
#include "gil.h"

namespace py = pybind11;

namespace regionkv::python {
namespace {

// Holds a Python object from C++ code that may run without the GIL: copies
// only touch the shared_ptr's count, and the last owner takes the GIL to
// drop the object (or leaks it if the interpreter is already gone).
std::shared_ptr<py::object> hold(py::object object) {
  return std::shared_ptr<py::object>(new py::object(std::move(object)), [](py::object* held) {
    if (!interpreter_running()) {
      held->release();  // leaked: nothing may touch Python any more
      delete held;
      return;
    }
    py::gil_scoped_acquire gil;
    delete held;
  });
}

std::string stored_key_from(const py::object& mangled) {
  if (PyUnicode_Check(mangled.ptr()) || PyBytes_Check(mangled.ptr())) return key_string(mangled);
  throw py::type_error(std::string("a key mangler must return str or bytes, not ") +
                       Py_TYPE(mangled.ptr())->tp_name);
}

}  // namespace

KeyMangler python_key_mangler(py::object mangler) {
  return [held = hold(std::move(mangler))](std::string_view key) {
    py::gil_scoped_acquire gil;
    return stored_key_from((*held)(key_to_python(key)));
  };
}

std::string call_creator(py::handle creator) {
  py::gil_scoped_acquire gil;
  py::object created = creator();
  if (PyUnicode_Check(created.ptr()) || PyBytes_Check(created.ptr()) ||
      PyObject_CheckBuffer(created.ptr()))
    return value_string(created);
  throw py::type_error(std::string("a creator must return bytes or str, not ") +
                       Py_TYPE(created.ptr())->tp_name);
}

WaitCheck python_signal_check() {
  return [] {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  };
}

}  // namespace regionkv::python
