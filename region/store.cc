#include "regionkv/store.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include "common/describe.h"
#include "common/fork_guard.h"
#include "engine/engine.h"
#include "engine/sweeper.h"
#include "region/engine_stats.h"
#include "region/store_internals.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv {

struct Store::Impl {
  // First: a forked child refuses every call before touching anything else.
  common::ForkGuard fork_guard;
  std::filesystem::path directory;  // empty: a store from open_remote()
  StoreOptions options;
  std::shared_ptr<const TimeSource> clock;
  std::unique_ptr<engine::Engine> engine;  // null: a store from open_remote()

  std::mutex regions_mutex;
  std::map<std::string, std::unique_ptr<Region>, std::less<>> regions;  // guarded
  // Stopped first when the store closes: it reaches into regions and engine.
  std::unique_ptr<engine::Sweeper> sweeper;

  // Every column family of the store, then the backend of every configured
  // region (a no-op for those whose records live in a column family).
  std::vector<engine::SweepTarget> sweep_targets();
  // Takes `options`, and starts the sweeper: the last step of an open.
  void start(StoreOptions store_options);
  std::string describe() const {
    return engine ? "store " + directory.string() : std::string("store without a directory");
  }
  void refuse_if_forked() const {
    if (fork_guard.inherited()) fork_guard.refuse(describe());
  }
};

std::vector<engine::SweepTarget> Store::Impl::sweep_targets() {
  // Ids sort by region name, then kind; region names hold no NUL.
  const auto id = [](const std::string& region, std::string_view kind) {
    return region + '\0' + std::string(kind);
  };
  std::vector<engine::SweepTarget> targets;
  const std::vector<std::string> families =
      engine ? engine->region_names() : std::vector<std::string>();
  for (const std::string& name : families) {
    targets.push_back(engine::SweepTarget{
        id(name, "column family"), common::describe_region(name) + " (its column family)",
        [this, name](TimePoint now, std::string_view resume_from, engine::SteadyTime deadline) {
          return engine::sweep_column_family(*engine, name, now, resume_from, deadline);
        }});
  }
  std::lock_guard lock(regions_mutex);
  for (const auto& [name, region] : regions) {
    if (!region->configured()) continue;
    Backend* backend = &region->backend();
    targets.push_back(engine::SweepTarget{
        id(name, "backend"),
        common::describe_region(name) + " (backing store '" + region->config().backing_store + "')",
        [backend](TimePoint now, std::string_view resume_from, engine::SteadyTime deadline) {
          return backend->sweep_expired(now, resume_from, deadline);
        }});
  }
  return targets;
}

namespace {

void validate_region_name(std::string_view name) {
  if (name.empty()) throw std::invalid_argument("region name may not be empty");
  if (name == "default")
    throw std::invalid_argument("region name 'default' is reserved");
  if (name.size() > 200)
    throw std::invalid_argument("region name is over 200 bytes");
  if (name.find('\0') != std::string_view::npos)
    throw std::invalid_argument("region name may not contain NUL");
}

void check_sweep_interval(const StoreOptions& options) {
  if (options.sweep_interval.count() < 0)
    throw std::invalid_argument("sweep_interval may not be negative");
}

}  // namespace

void Store::Impl::start(StoreOptions store_options) {
  options = std::move(store_options);
  clock = options.time_source ? std::shared_ptr<const TimeSource>(options.time_source)
                              : system_time_source();
  // Failed sweeps go to sweep_error_log if set, else to the store's log.
  std::function<void(std::string_view)> sweep_log =
      options.sweep_error_log ? options.sweep_error_log : options.log;
  sweeper = std::make_unique<engine::Sweeper>(engine::Sweeper::Options{
      options.sweep_interval, clock, [this] { return sweep_targets(); }, std::move(sweep_log)});
  if (options.sweep_interval.count() > 0) sweeper->start();
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& dir,
                                   StoreOptions options) {
  check_sweep_interval(options);
  auto impl = std::make_unique<Impl>();
  impl->directory = dir;
  impl->engine = engine::Engine::open(dir, options);
  impl->start(std::move(options));
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

std::unique_ptr<Store> Store::open_remote(StoreOptions options) {
  check_sweep_interval(options);
  auto impl = std::make_unique<Impl>();
  impl->start(std::move(options));
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() {
  if (impl_->fork_guard.inherited()) {
    // The parent's: closing would stop threads this child does not have and
    // flush and sync the parent's files.
    common::abandon_in_child(std::move(impl_));
    return;
  }
  impl_->sweeper.reset();
  // Regions (and their backends) go before the engine they write to.
  impl_->regions.clear();
  impl_->engine.reset();
}

Region& Store::region(std::string_view name) {
  impl_->refuse_if_forked();
  validate_region_name(name);
  std::lock_guard lock(impl_->regions_mutex);
  auto it = impl_->regions.find(name);
  if (it == impl_->regions.end()) {
    std::unique_ptr<Region> region(new Region(std::string(name), *this));
    it = impl_->regions.emplace(std::string(name), std::move(region)).first;
  }
  return *it->second;
}

std::vector<std::string> Store::region_names() const {
  impl_->refuse_if_forked();
  if (!impl_->engine) return {};
  return impl_->engine->region_names();
}

std::size_t Store::sweep_now() {
  impl_->refuse_if_forked();
  return impl_->sweeper->run_full_pass();
}

void Store::backup(const std::filesystem::path& dir) {
  impl_->refuse_if_forked();
  if (!impl_->engine)
    throw StorageError(
        "cannot back up a store without a directory: its regions live on "
        "servers or in memory");
  impl_->engine->backup(dir);
}

void Store::drop_region(std::string_view name) {
  impl_->refuse_if_forked();
  validate_region_name(name);
  const std::string region(name);
  // Held throughout, so that no Region for it is made while it goes.
  std::lock_guard lock(impl_->regions_mutex);
  if (!impl_->engine || !impl_->engine->find_column_family(region))
    throw std::invalid_argument("cannot drop " + common::describe_region(printable(name)) + ": " +
                                impl_->describe() + " has no such region");
  if (impl_->regions.contains(name))
    throw ConfigError("cannot drop " + common::describe_region(printable(name)) +
                      ": this process uses it (Store::region was called for it; its "
                      "configuration, values and locks live until the store closes)");
  impl_->engine->drop_region(region);
}

SweepStats Store::sweep_stats() const {
  impl_->refuse_if_forked();
  return impl_->sweeper->stats();
}

StoreStats Store::stats() const {
  impl_->refuse_if_forked();
  StoreStats stats;
  stats.taken_at = impl_->clock->now();
  stats.sweeper = impl_->sweeper->stats();
  // Every region this process configured, and every RocksDB region on disk.
  std::map<std::string, RegionStats, std::less<>> regions;
  if (impl_->engine) {
    stats.engine = engine_stats(*impl_->engine);
    for (const std::string& name : impl_->engine->region_names()) regions[name].name = name;
  }
  {
    std::lock_guard lock(impl_->regions_mutex);
    for (const auto& [name, region] : impl_->regions) regions[name] = region->stats();
  }
  for (auto& [name, region] : regions) stats.regions.push_back(std::move(region));
  return stats;
}

const std::filesystem::path& Store::directory() const { return impl_->directory; }
const StoreOptions& Store::options() const { return impl_->options; }
const std::shared_ptr<const TimeSource>& Store::time_source() const {
  return impl_->clock;
}
bool Store::opened_in_this_process() const { return !impl_->fork_guard.inherited(); }

engine::Engine& StoreInternals::engine(Store& store) { return *store.impl_->engine; }
engine::Engine* StoreInternals::find_engine(Store& store) { return store.impl_->engine.get(); }

void StoreInternals::refuse_if_forked(const Store& store, std::string_view what) {
  if (store.impl_->fork_guard.inherited()) store.impl_->fork_guard.refuse(what);
}

}  // namespace regionkv
