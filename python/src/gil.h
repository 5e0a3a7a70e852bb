// Releasing and re-taking the GIL around C++ calls.
//
// Which calls release it (docs/python.md, "The GIL"): every call that can
// wait — on RocksDB I/O, on a lock, on a server — releases it, so other
// Python threads run meanwhile. Calls on a "memory" region never wait on
// I/O, and releasing the GIL costs more than they do, so they keep it (lock
// waits release it there too). Python code called back from C++ (a creator,
// a key mangler) takes the GIL again itself (python_callables.h).
#ifndef REGIONKV_PYTHON_GIL_H_
#define REGIONKV_PYTHON_GIL_H_

#include <pybind11/pybind11.h>

#include <utility>

namespace regionkv::python {

// Runs `call` without the GIL; re-takes it before returning or throwing.
// REQUIRES: the GIL is held.
template <typename Call>
decltype(auto) without_gil(Call&& call) {
  pybind11::gil_scoped_release released;
  return std::forward<Call>(call)();
}

// Runs `call` without the GIL if this thread holds it, else as it is: for
// code reached both from Python calls and from destructors.
template <typename Call>
decltype(auto) release_gil_while(Call&& call) {
  if (PyGILState_Check()) return without_gil(std::forward<Call>(call));
  return std::forward<Call>(call)();
}

// Runs `call` without the GIL if `release`, else holding it.
template <typename Call>
decltype(auto) maybe_without_gil(bool release, Call&& call) {
  if (release) return without_gil(std::forward<Call>(call));
  return std::forward<Call>(call)();
}

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_GIL_H_
