// RegionLoader: records written in batches with their own expiry, those whose
// time ran out left out and counted, and each record it cannot write named
// by its line, with nothing of it written.
#include "tools/region_loader.h"

#include <gtest/gtest.h>

#include <map>

namespace regionkv::tools {
namespace {

using std::chrono::seconds;

// Keeps what is written, and the batches it came in; refuses the value
// "refused" as a bad argument, as a store refuses what it cannot hold.
class RecordingBackend : public Backend {
 public:
  std::optional<std::string> get(std::string_view key) override {
    const auto it = items.find(std::string(key));
    return it == items.end() ? std::nullopt : std::optional(it->second.value);
  }
  void set(std::string_view key, std::string_view value, ExpiresAt expires_at) override {
    if (value == "refused") throw std::invalid_argument("value refused");
    items[std::string(key)] = {std::string(key), std::string(value), expires_at};
  }
  bool erase(std::string_view key) override { return items.erase(std::string(key)) > 0; }
  void set_multi(const std::vector<WriteItem>& batch) override {
    for (const auto& item : batch)
      if (item.value == "refused") throw std::invalid_argument("value refused");
    batches.push_back(batch.size());
    for (const auto& item : batch) items[item.key] = item;
  }
  std::size_t max_key_size() const override { return 5 + 10; }
  std::size_t max_value_size() const override { return 20; }

  std::map<std::string, WriteItem> items;
  std::vector<std::size_t> batches;
};

LoadRecord record(std::string key, std::string value = "v",
                  std::optional<std::chrono::milliseconds> ttl = std::nullopt) {
  LoadRecord r;
  r.region = "r";
  r.key = std::move(key);
  r.value = std::move(value);
  r.ttl = ttl;
  return r;
}

// The line number a BadLine thrown by `write` names; 0 if none is thrown.
template <typename Write>
std::size_t bad_line(Write&& write) {
  try {
    write();
  } catch (const BadLine& e) {
    return e.line();
  }
  return 0;
}

TEST(RegionLoaderTest, WritesInBatchesEachRecordWithItsOwnExpiry) {
  RecordingBackend backend;
  RegionLoader loader(backend, 2);
  const TimePoint before = backend.now();
  loader.add(record("a", "1", seconds(10)), 1);
  loader.add(record("b", "2"), 2);
  loader.add(record("c", "3", seconds(20)), 3);
  EXPECT_EQ(backend.batches, std::vector<std::size_t>{2});
  loader.flush();
  EXPECT_EQ(backend.batches, (std::vector<std::size_t>{2, 1}));
  EXPECT_EQ(loader.written(), 3u);
  EXPECT_EQ(backend.items.at("b").expires_at, std::nullopt);
  const TimePoint a_expires = *backend.items.at("a").expires_at;
  EXPECT_GE(a_expires, before + seconds(10));
  EXPECT_LE(a_expires, backend.now() + seconds(10));
  EXPECT_EQ(*backend.items.at("c").expires_at - a_expires >= seconds(10), true);
}

TEST(RegionLoaderTest, RecordsWhoseTimeRanOutAreLeftOutAndCounted) {
  RecordingBackend backend;
  RegionLoader loader(backend, 10);
  loader.add(record("zero", "v", seconds(0)), 1);
  loader.add(record("negative", "v", seconds(-5)), 2);
  LoadRecord on_the_way = record("on-the-way", "v", seconds(60));
  on_the_way.expires_at = backend.now() - seconds(1);  // ran out during the move
  loader.add(on_the_way, 3);
  loader.add(record("live", "v", seconds(60)), 4);
  loader.flush();
  EXPECT_EQ(loader.written(), 1u);
  EXPECT_EQ(loader.expired(), 3u);
  EXPECT_EQ(backend.items.size(), 1u);
  EXPECT_TRUE(backend.items.contains("live"));
}

TEST(RegionLoaderTest, ARecordOfAnotherRegionIsABadLine) {
  RecordingBackend backend;
  RegionLoader loader(backend, 10);
  loader.add(record("a"), 1);
  LoadRecord other = record("b");
  other.region = "other";
  EXPECT_EQ(bad_line([&] { loader.add(other, 2); }), 2u);
  loader.flush();
  EXPECT_EQ(backend.items.size(), 1u);
}

TEST(RegionLoaderTest, KeysAndValuesOverTheStoresLimitsAreBadLines) {
  RecordingBackend backend;
  RegionLoader loader(backend, 10);
  loader.add(record(std::string(10, 'k'), std::string(20, 'v')), 1);  // just fits
  EXPECT_EQ(bad_line([&] { loader.add(record(std::string(11, 'k')), 2); }), 2u);
  EXPECT_EQ(bad_line([&] { loader.add(record("k", std::string(21, 'v')), 3); }), 3u);
  loader.flush();
  EXPECT_EQ(loader.written(), 1u);
}

TEST(RegionLoaderTest, AWriteTheStoreRefusesIsPinnedToItsLineAndEarlierOnesAreWritten) {
  RecordingBackend backend;
  RegionLoader loader(backend, 10);
  loader.add(record("a"), 4);
  loader.add(record("b", "refused"), 7);
  loader.add(record("c"), 9);
  EXPECT_EQ(bad_line([&] { loader.flush(); }), 7u);
  EXPECT_EQ(loader.written(), 1u);
  EXPECT_TRUE(backend.items.contains("a"));
  EXPECT_FALSE(backend.items.contains("b"));
  EXPECT_FALSE(backend.items.contains("c"));
}

}  // namespace
}  // namespace regionkv::tools
