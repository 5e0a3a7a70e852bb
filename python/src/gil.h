// Releasing and re-taking the GIL around C++ calls.
//
// Which calls release it (docs/python.md, "The GIL", has the measurements):
// every call that can wait — on a lock, a server, an fsync, a RocksDB write
// stall — and every multi-key call. Two kinds keep it, because releasing
// and re-taking it costs more than they do: every data call on a "memory"
// region (under 1 µs), and single-key reads on a "rocksdb" region (about
// 2 µs from the memtable, block cache or page cache; releasing added 0.7 µs,
// and with a busy Python thread the reader got half the reads done). A read
// that has to go to the disk then holds the GIL while it waits. Lock waits
// always release it. Python code called back from C++ (a creator, a key
// mangler) takes the GIL again itself (python_callables.h).
#ifndef REGIONKV_PYTHON_GIL_H_
#define REGIONKV_PYTHON_GIL_H_

#include <pybind11/pybind11.h>

#include <utility>

namespace regionkv::python {

// Whether Python code may still run: false once the interpreter is
// finalizing, when taking the GIL from another thread would end that thread.
inline bool interpreter_running() { return Py_IsInitialized() && !_Py_IsFinalizing(); }

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
