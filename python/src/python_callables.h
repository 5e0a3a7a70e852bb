// Python code run from C++: a key mangler, a get_or_create creator, and
// Python's signal handlers while a lock wait goes on.
//
// C++ calls them from whatever thread runs the region call, usually with the
// GIL released; they take the GIL for the length of the Python call. A
// Python exception they raise goes back through the C++ call unchanged and is
// raised again to the caller.
#ifndef REGIONKV_PYTHON_PYTHON_CALLABLES_H_
#define REGIONKV_PYTHON_PYTHON_CALLABLES_H_

#include <pybind11/pybind11.h>
#include <regionkv/regionkv.h>

#include <string>

namespace regionkv::python {

// A KeyMangler calling `mangler(key)`: the key is passed as str (bytes if
// it is not UTF-8), the result must be str or bytes. The KeyMangler may be
// copied and destroyed without the GIL (the region copies it per call): it
// holds the callable through a shared_ptr whose last owner takes the GIL to
// drop it. REQUIRES: the GIL is held; `mangler` is callable.
KeyMangler python_key_mangler(pybind11::object mangler);

// Calls `creator()` under the GIL; its result must be bytes or str.
// REQUIRES: the caller keeps `creator` alive; the GIL may or may not be held.
std::string call_creator(pybind11::handle creator);

// A WaitCheck (regionkv/lock.h) that runs Python's pending signal handlers
// under the GIL: a KeyboardInterrupt they raise (Ctrl-C) ends the lock wait
// and is raised to the caller. Handlers run in the main thread only; in
// another thread the check does nothing but take and drop the GIL.
WaitCheck python_signal_check();

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_PYTHON_CALLABLES_H_
