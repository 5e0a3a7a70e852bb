#include "regionkv/store.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include "engine/engine.h"

namespace regionkv {

struct Store::Impl {
  std::filesystem::path directory;
  StoreOptions options;
  std::shared_ptr<const TimeSource> clock;
  std::unique_ptr<engine::Engine> engine;

  std::mutex regions_mutex;
  std::map<std::string, std::unique_ptr<Region>, std::less<>> regions;  // guarded
};

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

}  // namespace

std::unique_ptr<Store> Store::open(const std::filesystem::path& dir,
                                   StoreOptions options) {
  if (options.sweep_interval.count() < 0)
    throw std::invalid_argument("sweep_interval may not be negative");
  auto impl = std::make_unique<Impl>();
  impl->directory = dir;
  impl->clock = options.time_source
                    ? std::shared_ptr<const TimeSource>(options.time_source)
                    : system_time_source();
  impl->engine = engine::Engine::open(dir, options);
  impl->options = std::move(options);
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() {
  // Regions (and their backends) go before the engine they write to.
  impl_->regions.clear();
  impl_->engine.reset();
}

Region& Store::region(std::string_view name) {
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
  return impl_->engine->region_names();
}

std::size_t Store::sweep_now() { return 0; }

const std::filesystem::path& Store::directory() const { return impl_->directory; }
const StoreOptions& Store::options() const { return impl_->options; }
const std::shared_ptr<const TimeSource>& Store::time_source() const {
  return impl_->clock;
}
engine::Engine& Store::engine() { return *impl_->engine; }

}  // namespace regionkv
