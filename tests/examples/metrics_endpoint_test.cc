// The example token service serves its store's statistics on a loopback
// port when asked (--metrics-port): scraped here as Prometheus would.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "regionkv/regionkv.h"
#include "tests/support/eventually.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

// The port the service says it listens on, once it has said so.
std::optional<int> announced_port(const std::string& output_file) {
  std::ifstream output(output_file);
  std::stringstream text;
  text << output.rdbuf();
  std::smatch match;
  const std::string all = text.str();
  static const std::regex announcement(R"(metrics on http://127\.0\.0\.1:([0-9]+)/metrics)");
  if (!std::regex_search(all, match, announcement)) return std::nullopt;
  return std::stoi(match[1]);
}

TEST(MetricsEndpointTest, ServesPrometheusTextAndJsonOnLoopback) {
  TempDir dir;
  const std::string output = dir.sub("output.txt").string();
  const pid_t service = spawn_child(
      {REGIONKV_TOKEN_SERVICE, dir.sub("store").string(), "--metrics-port", "0"}, output);
  std::optional<int> port;
  ASSERT_TRUE(eventually([&] { return (port = announced_port(output)).has_value(); },
                         std::chrono::seconds(60)))
      << "the service never said where it listens";

  httplib::Client client("127.0.0.1", *port);
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics) << "no answer on port " << *port;
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  // The example issued 5 tokens and revoked one under its lock.
  std::smatch match;
  ASSERT_TRUE(std::regex_search(metrics->body, match,
                                std::regex(R"(regionkv_region_writes_total\{region="tokens"\} ([0-9]+))")))
      << metrics->body;
  EXPECT_GE(std::stoi(match[1]), 5);
  EXPECT_NE(metrics->body.find("# TYPE regionkv_region_locks_granted_total counter"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("regionkv_sst_bytes"), std::string::npos);

  const auto json = client.Get("/stats");
  ASSERT_TRUE(json);
  const auto stats = nlohmann::json::parse(json->body);
  EXPECT_EQ(stats["regions"].size(), 2u);  // "revoked" and "tokens"

  stop_child(service);
}

// POST /backup?dir=... writes a backup while the service keeps writing; the
// backup opens as a store holding the service's regions.
TEST(MetricsEndpointTest, BacksUpTheStoreOnPost) {
  TempDir dir;
  const std::string output = dir.sub("output.txt").string();
  const pid_t service = spawn_child(
      {REGIONKV_TOKEN_SERVICE, dir.sub("store").string(), "--metrics-port", "0"}, output);
  std::optional<int> port;
  ASSERT_TRUE(eventually([&] { return (port = announced_port(output)).has_value(); },
                         std::chrono::seconds(60)))
      << "the service never said where it listens";
  httplib::Client client("127.0.0.1", *port);
  client.set_read_timeout(std::chrono::seconds(60));

  const auto missing = client.Post("/backup");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  const std::string backup = dir.sub("backup").string();
  const auto taken = client.Post("/backup?dir=" + backup);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->status, 200) << taken->body;
  const auto again = client.Post("/backup?dir=" + backup);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 500) << again->body;
  EXPECT_NE(again->body.find("exists"), std::string::npos) << again->body;
  stop_child(service);

  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  auto store = Store::open(backup, options);
  EXPECT_EQ(store->region_names(), (std::vector<std::string>{"revoked", "tokens"}));
}

}  // namespace
}  // namespace regionkv::testing
