#include "region_config_from_python.h"

#include <Python.h>

#include <limits>
#include <string>
#include <vector>

#include "byte_conversion.h"
#include "python_callables.h"
#include "python_time.h"

namespace py = pybind11;

namespace regionkv::python {
namespace {

[[noreturn]] void wrong_type(const char* name, const char* expected, py::handle got) {
  throw py::type_error(std::string(name) + " must be " + expected + ", not " + type_name(got));
}

std::string text(py::handle object, const char* name) {
  if (!PyUnicode_Check(object.ptr())) wrong_type(name, "a str", object);
  return object.cast<std::string>();
}

bool flag(py::handle object, const char* name) {
  if (!PyBool_Check(object.ptr())) wrong_type(name, "True or False", object);
  return object.ptr() == Py_True;
}

// A number of seconds: int or float (anything with __float__), not bool or str.
std::chrono::milliseconds seconds(py::handle object, const char* name) {
  if (PyBool_Check(object.ptr()) || PyUnicode_Check(object.ptr()) || PyBytes_Check(object.ptr()))
    wrong_type(name, "a number of seconds", object);
  const double value = PyFloat_AsDouble(object.ptr());
  if (value == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    wrong_type(name, "a number of seconds", object);
  }
  return seconds_to_milliseconds(value, name);
}

int count(py::handle object, const char* name) {
  if (PyBool_Check(object.ptr()) || !PyIndex_Check(object.ptr()))
    wrong_type(name, "an int", object);
  const long long value = PyLong_AsLongLong(object.ptr());
  if (value == -1 && PyErr_Occurred())
    PyErr_Clear();
  else if (value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max())
    return static_cast<int>(value);
  throw std::invalid_argument(std::string(name) +
                              " is out of range: " + py::repr(object).cast<std::string>());
}

std::vector<std::string> names(py::handle proxies) {
  if (PyUnicode_Check(proxies.ptr()))
    throw py::type_error("proxies must be a list of proxy names, not a single str");
  if (!py::isinstance<py::iterable>(proxies))
    wrong_type("proxies", "a list of proxy names", proxies);
  std::vector<std::string> result;
  for (py::handle name : proxies) result.push_back(text(name, "each of proxies"));
  return result;
}

std::map<std::string, std::string> backend_arguments(py::handle arguments) {
  std::map<std::string, std::string> result;
  if (arguments.is_none()) return result;
  if (!PyMapping_Check(arguments.ptr()) || PyUnicode_Check(arguments.ptr()) ||
      !py::hasattr(arguments, "items"))
    wrong_type("backend_args", "a mapping such as {\"url\": \"redis://host:6379/0\"}", arguments);
  for (py::handle item : arguments.attr("items")()) {
    auto pair = py::reinterpret_borrow<py::tuple>(item);
    result[text(pair[0], "each name in backend_args")] = py::str(pair[1]).cast<std::string>();
  }
  return result;
}

std::set<std::string> keys(py::handle no_expiry_keys) {
  try {
    const std::vector<std::string> listed = key_strings(no_expiry_keys);
    return {listed.begin(), listed.end()};
  } catch (const py::type_error& e) {
    throw py::type_error(std::string("no_expiry_keys: ") + e.what());
  }
}

}  // namespace

RegionConfig region_config_from_python(const ConfigureArguments& arguments) {
  RegionConfig config;
  config.backing_store = text(arguments.backing_store, "backing_store");
  config.proxies = names(arguments.proxies);
  config.locking = flag(arguments.locking, "locking");
  config.enable_key_mangler = flag(arguments.enable_key_mangler, "enable_key_mangler");
  if (!arguments.key_mangler.is_none()) {
    if (!PyCallable_Check(arguments.key_mangler.ptr()))
      throw py::type_error("key_mangler must be callable or None");
    config.key_mangler = python_key_mangler(arguments.key_mangler);
  }
  config.lock_timeout = seconds(arguments.lock_timeout, "lock_timeout");
  config.max_lock_attempts = count(arguments.max_lock_attempts, "max_lock_attempts");
  if (!arguments.expire_time.is_none())
    config.expire_time = seconds(arguments.expire_time, "expire_time");
  config.no_expiry_keys = keys(arguments.no_expiry_keys);
  config.backend_args = backend_arguments(arguments.backend_args);
  return config;
}

}  // namespace regionkv::python
