// Region.configure's keyword arguments as a RegionConfig.
#ifndef REGIONKV_PYTHON_REGION_CONFIG_FROM_PYTHON_H_
#define REGIONKV_PYTHON_REGION_CONFIG_FROM_PYTHON_H_

#include <pybind11/pybind11.h>
#include <regionkv/regionkv.h>

#include <string>

namespace regionkv::python {

// The arguments as Region.configure receives them: times in seconds, None
// for "unset", any iterables and mappings.
struct ConfigureArguments {
  std::string backing_store;
  pybind11::object proxies;
  bool locking;
  bool enable_key_mangler;
  pybind11::object key_mangler;  // callable or None
  double lock_timeout;
  int max_lock_attempts;
  pybind11::object expire_time;  // seconds or None
  pybind11::object no_expiry_keys;
  pybind11::object backend_args;  // mapping or None; values go through str()
};

// Throws TypeError for arguments of the wrong type (a key mangler that is
// not callable, as in the seed) and ValueError for times that are not
// finite. The ranges are checked by Region::configure. REQUIRES: the GIL.
RegionConfig region_config_from_python(const ConfigureArguments& arguments);

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_REGION_CONFIG_FROM_PYTHON_H_
