#include "errors.h"

#include <Python.h>
#include <regionkv/regionkv.h>

#include <exception>

namespace py = pybind11;

namespace regionkv::python {
namespace {

// The classes live as long as the interpreter: the module holds them too.
PyObject* error_class = nullptr;
PyObject* not_found_class = nullptr;
PyObject* lock_timeout_class = nullptr;
PyObject* lock_unavailable_class = nullptr;
PyObject* config_error_class = nullptr;
PyObject* storage_error_class = nullptr;
PyObject* corruption_class = nullptr;

PyObject* add_class(py::module_& module, const char* name, const char* doc, py::handle bases) {
  const std::string qualified = std::string("regionkv.") + name;
  PyObject* created = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (!created) throw py::error_already_set();
  module.add_object(name, py::handle(created));
  return created;
}

PyObject* add_error_subclass(py::module_& module, const char* name, const char* doc) {
  return add_class(module, name, doc, py::handle(error_class));
}

void translate(std::exception_ptr thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const NotFound& e) {
    PyErr_SetString(not_found_class, e.what());
  } catch (const LockTimeout& e) {
    PyErr_SetString(lock_timeout_class, e.what());
  } catch (const LockUnavailable& e) {
    PyErr_SetString(lock_unavailable_class, e.what());
  } catch (const ConfigError& e) {
    PyErr_SetString(config_error_class, e.what());
  } catch (const StorageError& e) {
    PyErr_SetString(storage_error_class, e.what());
  } catch (const Corruption& e) {
    PyErr_SetString(corruption_class, e.what());
  } catch (const Error& e) {
    PyErr_SetString(error_class, e.what());
  }
  // Anything else (std::invalid_argument → ValueError included) falls
  // through to pybind11's own translations.
}

}  // namespace

void bind_errors(py::module_& module) {
  error_class = add_class(module, "Error", "Base class of every regionkv error.",
                          py::handle(PyExc_Exception));
  not_found_class =
      add_class(module, "NotFound",
                "get, get_multi or erase of a key that is absent or expired. Also a KeyError.",
                py::make_tuple(py::handle(error_class), py::handle(PyExc_KeyError)));
  // KeyError shows its message quoted, as if it were a key; show it as is.
  py::setattr(not_found_class, "__str__", py::handle(PyExc_Exception).attr("__str__"));
  lock_timeout_class = add_error_subclass(
      module, "LockTimeout",
      "A write under a lock whose lease is (nearly) spent, or that another holder took over.");
  lock_unavailable_class = add_error_subclass(module, "LockUnavailable",
                                              "get_lock gave up after max_lock_attempts attempts.");
  config_error_class = add_error_subclass(
      module, "ConfigError",
      "configure() on a configured region, or a data call on an unconfigured one.");
  storage_error_class = add_error_subclass(
      module, "StorageError",
      "The engine or a server failed (I/O error, store directory in use, server down).");
  corruption_class = add_error_subclass(module, "Corruption", "A stored record failed validation.");
  py::register_exception_translator(&translate);
}

}  // namespace regionkv::python
