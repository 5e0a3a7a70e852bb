// Region.configure's keyword arguments as a RegionConfig.
#ifndef REGIONKV_PYTHON_REGION_CONFIG_FROM_PYTHON_H_
#define REGIONKV_PYTHON_REGION_CONFIG_FROM_PYTHON_H_

#include <pybind11/pybind11.h>
#include <regionkv/regionkv.h>

namespace regionkv::python {

// The arguments as Region.configure receives them, unconverted: times in
// seconds, None for "unset", any iterables and mappings.
struct ConfigureArguments {
  pybind11::object backing_store;       // str
  pybind11::object proxies;             // iterable of str
  pybind11::object locking;             // bool
  pybind11::object enable_key_mangler;  // bool
  pybind11::object key_mangler;         // callable or None
  pybind11::object lock_timeout;        // seconds
  pybind11::object max_lock_attempts;   // int
  pybind11::object expire_time;         // seconds or None
  pybind11::object no_expiry_keys;      // iterable of keys
  pybind11::object backend_args;        // mapping of str or None; values go through str()
};

// Every argument of the wrong type raises TypeError and every impossible
// value ValueError, each naming the argument; strings are not converted
// (the dogpile backend converts configuration strings first). Ranges are
// checked by Region::configure (ValueError). REQUIRES: the GIL.
RegionConfig region_config_from_python(const ConfigureArguments& arguments);

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_REGION_CONFIG_FROM_PYTHON_H_
