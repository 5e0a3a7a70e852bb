#include "region_config_from_python.h"

#include "byte_conversion.h"
#include "python_callables.h"
#include "python_time.h"

namespace py = pybind11;

namespace regionkv::python {
namespace {

std::vector<std::string> names(const py::object& proxies) {
  if (PyUnicode_Check(proxies.ptr()))
    throw py::type_error("proxies must be a list of proxy names, not a single str");
  std::vector<std::string> result;
  for (py::handle name : proxies) result.push_back(py::cast<std::string>(name));
  return result;
}

std::map<std::string, std::string> backend_arguments(const py::object& arguments) {
  std::map<std::string, std::string> result;
  if (arguments.is_none()) return result;
  for (py::handle item : arguments.attr("items")()) {
    auto pair = py::reinterpret_borrow<py::tuple>(item);
    result[py::cast<std::string>(pair[0])] = py::str(pair[1]).cast<std::string>();
  }
  return result;
}

}  // namespace

RegionConfig region_config_from_python(const ConfigureArguments& arguments) {
  RegionConfig config;
  config.backing_store = arguments.backing_store;
  config.proxies = names(arguments.proxies);
  config.locking = arguments.locking;
  config.enable_key_mangler = arguments.enable_key_mangler;
  if (!arguments.key_mangler.is_none()) {
    if (!PyCallable_Check(arguments.key_mangler.ptr()))
      throw py::type_error("key_mangler must be callable or None");
    config.key_mangler = python_key_mangler(arguments.key_mangler);
  }
  config.lock_timeout = seconds_to_milliseconds(arguments.lock_timeout, "lock_timeout");
  config.max_lock_attempts = arguments.max_lock_attempts;
  if (!arguments.expire_time.is_none())
    config.expire_time =
        seconds_to_milliseconds(py::cast<double>(arguments.expire_time), "expire_time");
  for (const std::string& key : key_strings(arguments.no_expiry_keys))
    config.no_expiry_keys.insert(key);
  config.backend_args = backend_arguments(arguments.backend_args);
  return config;
}

}  // namespace regionkv::python
