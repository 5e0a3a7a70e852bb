// A store's messages as records of the Python logger "regionkv".
//
// A store reports through StoreOptions::log what it does not fail a call
// for: a failed background sweep, RocksDB's errors, a store directory that
// other users may read. From Python they are WARNING records of the logger
// "regionkv" (with no handler configured, logging's last resort prints them
// to stderr).
//
// Why a thread of its own: the store calls its log from RocksDB's and the
// sweeper's threads, perhaps holding a RocksDB mutex that a Python thread
// holding the GIL waits for (a rocksdb read keeps the GIL, gil.h). Taking
// the GIL there could deadlock, so the callback only queues the line, and a
// relay thread that holds nothing else takes the GIL and logs it.
//
// The relay stops at interpreter exit (stop_python_log, after the stores
// are closed); lines after that go to stderr. A forked child starts a relay
// of its own when it first needs one.
#ifndef REGIONKV_PYTHON_PYTHON_LOG_H_
#define REGIONKV_PYTHON_PYTHON_LOG_H_

#include <functional>
#include <string_view>

namespace regionkv::python {

// A StoreOptions::log that queues each line for the logger "regionkv".
// Thread-safe; never waits for Python.
std::function<void(std::string_view)> python_log();

// Waits until every line queued so far is logged, the GIL released: what a
// call that may have queued lines runs before it returns (Store.open), so
// that its warnings are logged by then. REQUIRES: the GIL.
void flush_python_log();

// Logs what is queued and stops the relay. REQUIRES: the GIL.
void stop_python_log();

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_PYTHON_LOG_H_
