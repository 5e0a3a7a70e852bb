// regionkv.Store.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "bindings.h"
#include "gil.h"
#include "python_log.h"
#include "python_time.h"
#include "region_handle.h"
#include "store_handle.h"

namespace py = pybind11;

namespace regionkv::python {
namespace {

// What every store opened from Python shares: its messages go to the
// logger "regionkv" (python_log.h).
StoreOptions options_for_python() {
  StoreOptions options;
  options.log = python_log();
  return options;
}

Durability durability_from_name(const std::string& name) {
  if (name == "process_crash") return Durability::kProcessCrash;
  if (name == "power_loss") return Durability::kPowerLoss;
  throw std::invalid_argument("durability must be 'process_crash' or 'power_loss', got '" + name +
                              "'");
}

std::chrono::milliseconds sweep_interval_from(double seconds) {
  const std::chrono::milliseconds interval = seconds_to_milliseconds(seconds, "sweep_interval");
  if (interval.count() < 0) throw std::invalid_argument("sweep_interval must not be negative");
  return interval;
}

std::shared_ptr<StoreHandle> open(const std::filesystem::path& path, bool create_if_missing,
                                  const std::string& durability, double sweep_interval) {
  if (path.empty()) throw std::invalid_argument("path must not be empty (the store directory)");
  StoreOptions options = options_for_python();
  options.create_if_missing = create_if_missing;
  options.durability = durability_from_name(durability);
  options.sweep_interval = sweep_interval_from(sweep_interval);
  auto opened = StoreHandle::open(path, std::move(options));
  flush_python_log();  // a warning about the directory, logged by now
  return opened;
}

std::shared_ptr<StoreHandle> open_remote(double sweep_interval) {
  StoreOptions options = options_for_python();
  options.sweep_interval = sweep_interval_from(sweep_interval);
  auto opened = StoreHandle::open_remote(std::move(options));
  flush_python_log();
  return opened;
}

std::shared_ptr<RegionHandle> region(const std::shared_ptr<StoreHandle>& self,
                                     std::string_view name) {
  const auto call = self->enter();
  return self->region_handle(self, call.store().region(name));
}

}  // namespace

void bind_store(py::module_& module) {
  py::class_<StoreHandle, std::shared_ptr<StoreHandle>>(module, "Store", R"doc(
A store: the regions of a program. Store.open(path) keeps them in one
directory (RocksDB); Store.open_remote() has none, for regions on redis,
memcached or memory.

    with regionkv.Store.open("/var/lib/app/kv") as store:
        tokens = store.region("tokens")
        tokens.configure(expire_time=3600)

One process at a time may hold a directory open (StorageError otherwise).
The store closes on close(), at the end of a with block, when no Store,
Region or Lock object refers to it any more, or at interpreter exit.)doc")
      .def_static(
          "open", &open, py::arg("path"), py::kw_only(), py::arg("create_if_missing") = true,
          py::arg("durability") = "process_crash", py::arg("sweep_interval") = 1.0,
          R"doc(open(path, *, create_if_missing=True, durability='process_crash', sweep_interval=1.0)
--

Opens (or creates) the store in path, reopening every region it holds.
durability: "process_crash" (each write reaches RocksDB's log before it is
acknowledged: survives kill -9) or "power_loss" (the log is fsynced first).
sweep_interval: seconds between background sweeps of expired records; 0: none.)doc")
      .def_static("open_remote", &open_remote, py::kw_only(), py::arg("sweep_interval") = 1.0,
                  R"doc(open_remote(*, sweep_interval=1.0)
--

Opens a store without a directory, what each of several worker processes
opens to share regions on redis or memcached:

    with regionkv.Store.open_remote() as store:
        cache = store.region("cache")
        cache.configure("redis", backend_args={"url": "redis://10.0.0.5:6379/0"})

Its regions live on redis, memcached, memory or a registered store; a
rocksdb region (configure()'s default) raises ConfigError. It writes no
file. region_names() is empty; sweep_now() sweeps its memory regions.
sweep_interval: seconds between background sweeps; 0: none.)doc")
      .def("close", &StoreHandle::close, R"doc(close(self)
--

Waits for calls in flight, releases the locks still held, and closes the
store. Idempotent. Its Regions and Locks then raise regionkv.Error.)doc")
      .def_property_readonly("closed", &StoreHandle::closed)
      .def_property_readonly(
          "path",
          [](const StoreHandle& self) -> py::object {
            if (self.directory().empty()) return py::none();
            return py::cast(self.directory());
          },
          "The directory (a pathlib.Path); None for a store from open_remote().")
      .def("region", &region, py::arg("name"), R"doc(region(self, name)
--

The region named name (ValueError for an invalid name).)doc")
      .def(
          "region_names",
          [](StoreHandle& self) {
            const auto call = self.enter();
            return call.store().region_names();
          },
          R"doc(region_names(self)
--

RocksDB-backed regions in the store, sorted; [] without a directory.)doc")
      .def(
          "sweep_now",
          [](StoreHandle& self) {
            const auto call = self.enter();
            const auto removed = without_gil([&] { return call.store().sweep_now(); });
            flush_python_log();  // what failed in the pass, logged by now
            return removed;
          },
          R"doc(sweep_now(self)
--

One synchronous sweep pass; returns the records removed.)doc")
      .def(
          "backup",
          [](StoreHandle& self, const std::filesystem::path& path) {
            const auto call = self.enter();
            without_gil([&] { call.store().backup(path); });
          },
          py::arg("path"), R"doc(backup(self, path)
--

Writes a consistent copy of every region (values, locks, fencing counters)
into the new directory path (str or os.PathLike), while other threads and
the sweeper go on. StorageError if path exists (nothing is changed then)
or the copy fails (nothing is left at path). The copy opens with
Store.open(path); see docs/operations.md, "Backup and restore".)doc")
      .def(
          "drop_region",
          [](StoreHandle& self, std::string_view name) {
            const auto call = self.enter();
            without_gil([&] { call.store().drop_region(name); });
          },
          py::arg("name"), R"doc(drop_region(self, name)
--

Removes the RocksDB region name and its data from the store, for good.
ValueError if the store has no such region; ConfigError if this store
object has handed out the region (store.region(name) was called).)doc")
      .def(
          "__enter__", [](py::object self) { return self; }, "__enter__(self)\n--\n\n")
      .def(
          "__exit__", [](StoreHandle& self, const py::args&) { self.close(); },
          "__exit__(self, *exc_info)\n--\n\nCloses the store.")
      .def(
          "__repr__",
          [](const StoreHandle& self) {
            const std::string where =
                self.directory().empty()
                    ? std::string("without a directory")
                    : py::repr(py::str(self.directory().string())).cast<std::string>();
            return "<regionkv.Store " + where + (self.closed() ? " closed>" : ">");
          },
          "__repr__(self)\n--\n\n");
}

}  // namespace regionkv::python
