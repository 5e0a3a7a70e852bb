// to_prometheus and to_json, on a snapshot built by hand.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "regionkv/stats.h"

namespace regionkv {
namespace {

StoreStats example() {
  StoreStats stats;
  RegionStats tokens;
  tokens.name = "tokens";
  tokens.backing_store = "rocksdb";
  tokens.hits = 7;
  tokens.misses = 3;
  tokens.lock_wait_time = std::chrono::milliseconds(1500);
  RegionStats shared;
  shared.name = "odd \"name\"\\ with\nbreaks";
  shared.backing_store = "memcached";
  shared.servers = {ServerStats{"10.0.0.1:11211", 100, 2, 1}};
  RegionStats earlier;
  earlier.name = "earlier";  // on disk only: no backing store
  stats.regions = {earlier, shared, tokens};
  stats.sweeper.passes = 4;
  stats.engine.block_cache_hits = 9;
  stats.engine.block_cache_misses = 1;
  stats.engine.sst_bytes = 4096;
  stats.engine.regions = {EngineStats::Region{"tokens", 10, 4096, 0, 42}};
  return stats;
}

// A parsed exposition: per family its TYPE, and every sample's value by
// "name{labels}".
struct Parsed {
  std::map<std::string, std::string> types;
  std::map<std::string, std::string> samples;
};

Parsed parse(const std::string& text) {
  static const std::regex help(R"(# HELP (regionkv_[a-z_]+) \S.*)");
  static const std::regex type(R"(# TYPE (regionkv_[a-z_]+) (counter|gauge))");
  static const std::regex sample(
      R"((regionkv_[a-z_]+)(\{([a-z_]+="([^"\\]|\\.)*")(,[a-z_]+="([^"\\]|\\.)*")*\})? (-?[0-9.e+]+))");
  Parsed parsed;
  std::set<std::string> helped;
  std::istringstream lines(text);
  std::string line;
  std::string family;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "two HELP lines for " << m[1];
      family = m[1];
    } else if (std::regex_match(line, m, type)) {
      EXPECT_EQ(m[1], family) << "TYPE without its HELP: " << line;
      EXPECT_TRUE(parsed.types.emplace(m[1], m[2]).second) << "two TYPE lines: " << line;
      if (m[2] == "counter") {
        const std::string name = m[1];
        EXPECT_TRUE(name.ends_with("_total")) << name;
      }
    } else if (std::regex_match(line, m, sample)) {
      EXPECT_EQ(m[1], family) << "a sample outside its family: " << line;
      const std::string key = line.substr(0, line.rfind(' '));
      EXPECT_TRUE(parsed.samples.emplace(key, m[7]).second) << "a repeated sample: " << line;
    } else {
      ADD_FAILURE() << "not a line of the exposition format: '" << line << "'";
    }
  }
  return parsed;
}

TEST(PrometheusTest, EveryLineIsValidAndEveryFamilyHasHelpAndType) {
  const Parsed parsed = parse(to_prometheus(example()));
  EXPECT_EQ(parsed.types.at("regionkv_region_hits_total"), "counter");
  EXPECT_EQ(parsed.types.at("regionkv_memtable_bytes"), "gauge");
  EXPECT_EQ(parsed.samples.at(R"(regionkv_region_hits_total{region="tokens"})"), "7");
  EXPECT_EQ(parsed.samples.at(R"(regionkv_region_lock_wait_seconds_total{region="tokens"})"),
            "1.5");
  EXPECT_EQ(parsed.samples.at("regionkv_sweeper_passes_total"), "4");
  EXPECT_EQ(parsed.samples.at("regionkv_sst_bytes"), "4096");
  EXPECT_EQ(parsed.samples.at(R"(regionkv_sst_bytes{region="tokens"})"), "4096");
}

TEST(PrometheusTest, LabelValuesAreEscaped) {
  const Parsed parsed = parse(to_prometheus(example()));
  EXPECT_EQ(parsed.samples.at(R"(regionkv_server_errors_total{region="odd \"name\"\\ with\nbreaks",server="10.0.0.1:11211"})"),
            "2");
}

TEST(PrometheusTest, RegionsNotConfiguredHereHaveNoCounters) {
  const Parsed parsed = parse(to_prometheus(example()));
  EXPECT_EQ(parsed.samples.count(R"(regionkv_region_hits_total{region="earlier"})"), 0u);
}

TEST(JsonTest, CarriesTheSameFigures) {
  const auto json = nlohmann::json::parse(to_json(example()));
  ASSERT_EQ(json["regions"].size(), 3u);
  EXPECT_TRUE(json["regions"][0]["backing_store"].is_null());
  EXPECT_EQ(json["regions"][2]["name"], "tokens");
  EXPECT_EQ(json["regions"][2]["hits"], 7);
  EXPECT_EQ(json["regions"][2]["lock_wait_seconds"], 1.5);
  EXPECT_EQ(json["regions"][1]["servers"][0]["timeouts"], 1);
  EXPECT_EQ(json["sweeper"]["passes"], 4);
  EXPECT_DOUBLE_EQ(json["engine"]["block_cache_hit_rate"].get<double>(), 0.9);
  EXPECT_EQ(json["engine"]["regions"][0]["estimated_keys"], 42);
}

TEST(JsonTest, RegionNamesThatAreNotUtf8AreEscaped) {
  StoreStats stats;
  RegionStats region;
  region.name = std::string("bad\xff", 4);
  stats.regions = {region};
  const auto json = nlohmann::json::parse(to_json(stats));
  EXPECT_EQ(json["regions"][0]["name"], "bad\\xff");
}

}  // namespace
}  // namespace regionkv
