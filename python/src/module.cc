// regionkv._regionkv: the compiled half of the Python package regionkv.
// python/regionkv/__init__.py re-exports it; docs/python.md describes it.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "errors.h"
#include "python_log.h"
#include "store_handle.h"

PYBIND11_MODULE(_regionkv, module) {
  using namespace regionkv::python;
  // Each docstring starts with the signature in the form inspect.signature
  // reads ("name(self, key, lock=None)\n--\n\n"): pybind11's own names
  // parameter types that say nothing in Python (handle, object). The types
  // are in _regionkv.pyi.
  pybind11::options options;
  options.disable_function_signatures();
  module.doc() = "regionkv: an embedded key-value store of named regions (C++ binding).";
  module.attr("__version__") = REGIONKV_VERSION;
  bind_errors(module);
  bind_lock(module);
  bind_region(module);
  bind_store(module);
  module.def("_close_all_stores", &StoreHandle::close_all, R"doc(_close_all_stores()
--

Closes every store still open in this process (registered with atexit).)doc");
  module.def("_stop_log_relay", &stop_python_log, R"doc(_stop_log_relay()
--

Logs the stores' messages still queued and stops relaying them to the
logger "regionkv" (registered with atexit, to run after _close_all_stores).)doc");
}
