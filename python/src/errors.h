// regionkv's exceptions in Python: regionkv.Error and its subclasses, one per
// C++ exception type (NotFound is also a KeyError); std::invalid_argument
// becomes ValueError.
#ifndef REGIONKV_PYTHON_ERRORS_H_
#define REGIONKV_PYTHON_ERRORS_H_

#include <pybind11/pybind11.h>

namespace regionkv::python {

// Adds the exception classes to `module` and translates C++ exceptions to
// them.
void bind_errors(pybind11::module_& module);

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_ERRORS_H_
