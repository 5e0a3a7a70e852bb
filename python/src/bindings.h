// The Python classes of module regionkv._regionkv, one function per class.
// module.cc calls them in this order: a class must be bound before a method
// of another class can return it.
#ifndef REGIONKV_PYTHON_BINDINGS_H_
#define REGIONKV_PYTHON_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace regionkv::python {

void bind_lock(pybind11::module_& module);
void bind_region(pybind11::module_& module);
void bind_store(pybind11::module_& module);

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_BINDINGS_H_
