#include "engine/expiry_compaction_filter.h"

#include <rocksdb/utilities/table_properties_collectors.h>

#include "engine/column_family_sweep.h"

namespace regionkv::engine {
namespace {

class ExpiryCompactionFilter : public rocksdb::CompactionFilter {
 public:
  ExpiryCompactionFilter(TimePoint now, std::shared_ptr<const NoExpiryKeys::KeySet> keys)
      : now_(now), no_expiry_keys_(std::move(keys)) {}

  // Only kRemove (through Filter's `true`): kRemoveAndSkipUntil could expose
  // an older version of a key, and values are never changed.
  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    return removable(key.ToStringView(), value.ToStringView(), now_,
                     no_expiry_keys_.get());
  }

  const char* Name() const override { return "regionkv.ExpiryCompactionFilter"; }

 private:
  const TimePoint now_;
  const std::shared_ptr<const NoExpiryKeys::KeySet> no_expiry_keys_;  // null: unknown
};

class ExpiryCompactionFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  ExpiryCompactionFilterFactory(std::shared_ptr<const TimeSource> clock,
                                std::shared_ptr<const NoExpiryKeys> no_expiry_keys)
      : clock_(std::move(clock)), no_expiry_keys_(std::move(no_expiry_keys)) {}

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    auto keys = no_expiry_keys_->snapshot();
    return std::make_unique<ExpiryCompactionFilter>(clock_->now(), std::move(keys));
  }

  const char* Name() const override { return "regionkv.ExpiryCompactionFilterFactory"; }

 private:
  const std::shared_ptr<const TimeSource> clock_;
  const std::shared_ptr<const NoExpiryKeys> no_expiry_keys_;
};

}  // namespace

std::shared_ptr<rocksdb::CompactionFilterFactory> make_expiry_compaction_filter_factory(
    std::shared_ptr<const TimeSource> clock,
    std::shared_ptr<const NoExpiryKeys> no_expiry_keys) {
  return std::make_shared<ExpiryCompactionFilterFactory>(std::move(clock),
                                                         std::move(no_expiry_keys));
}

void add_expiry_options(rocksdb::ColumnFamilyOptions& options,
                        std::shared_ptr<const TimeSource> clock,
                        std::shared_ptr<const NoExpiryKeys> no_expiry_keys) {
  options.compaction_filter_factory =
      make_expiry_compaction_filter_factory(std::move(clock), std::move(no_expiry_keys));
  // A table file is marked for compaction when any kDeletionWindow
  // consecutive entries hold kDeletionTrigger deletions.
  constexpr std::size_t kDeletionWindow = 16384;
  constexpr std::size_t kDeletionTrigger = 8192;
  options.table_properties_collector_factories.push_back(
      rocksdb::NewCompactOnDeletionCollectorFactory(kDeletionWindow, kDeletionTrigger));
}

}  // namespace regionkv::engine
