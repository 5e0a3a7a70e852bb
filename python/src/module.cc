// regionkv._regionkv: the compiled half of the Python package regionkv.
// python/regionkv/__init__.py re-exports it; docs/python.md describes it.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "errors.h"
#include "store_handle.h"

PYBIND11_MODULE(_regionkv, module) {
  using namespace regionkv::python;
  module.doc() = "regionkv: an embedded key-value store of named regions (C++ binding).";
  module.attr("__version__") = REGIONKV_VERSION;
  bind_errors(module);
  bind_lock(module);
  bind_region(module);
  bind_store(module);
  module.def("_close_all_stores", &StoreHandle::close_all,
             "Closes every store still open in this process (registered with atexit).");
}
