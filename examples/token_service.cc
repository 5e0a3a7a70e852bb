// regionkv-token-service: an example of the long-running programs that embed
// a store. It issues tokens into a region, reads them back, revokes one
// under its lock and shows what it stored, then exits; --keep-running keeps
// it issuing and revoking until SIGINT or SIGTERM. --metrics-port serves the
// store's statistics over HTTP on 127.0.0.1 meanwhile: /metrics for
// Prometheus, /stats for JSON (include/regionkv/stats.h), and takes a backup
// on POST /backup?dir=/absolute/new/dir (Store::backup, docs/operations.md).
#include <CLI/CLI.hpp>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <random>
#include <thread>

#include "regionkv/regionkv.h"

namespace {

std::atomic<bool> stop_requested{false};

std::string new_token_id() {
  static std::mt19937_64 random(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (auto& c : id) c = kHex[random() % 16];
  return id;
}

// Issues one token: its id is the key, a small JSON document the value.
std::string issue(regionkv::Region& tokens, const std::string& user) {
  const std::string id = new_token_id();
  tokens.set(id, R"({"user": ")" + user + R"(", "scope": "project-demo"})");
  return id;
}

// Revokes a token: under its lock, so two revokers never race.
void revoke(regionkv::Region& tokens, regionkv::Region& revoked, const std::string& id) {
  regionkv::Lock lock = tokens.get_lock(id);
  revoked.set(id, tokens.get(id));
  tokens.erase(id, lock);
}

// Serves `store`'s statistics, and backups, on 127.0.0.1:`port` (0: any free
// port) until stopped, in a thread of its own.
class MetricsServer {
 public:
  MetricsServer(regionkv::Store& store, int port) {
    server_.Get("/metrics", [&store](const httplib::Request&, httplib::Response& response) {
      response.set_content(regionkv::to_prometheus(store.stats()),
                           "text/plain; version=0.0.4; charset=utf-8");
    });
    server_.Get("/stats", [&store](const httplib::Request&, httplib::Response& response) {
      response.set_content(regionkv::to_json(store.stats()), "application/json");
    });
    // A backup while the service runs: dir must be absolute and new.
    server_.Post("/backup", [&store](const httplib::Request& request, httplib::Response& response) {
      const std::string dir = request.get_param_value("dir");
      if (dir.empty() || dir.front() != '/') {
        response.status = 400;
        response.set_content("give the backup's directory: POST /backup?dir=/absolute/new/dir\n",
                             "text/plain");
        return;
      }
      const auto started = std::chrono::steady_clock::now();
      try {
        store.backup(dir);
      } catch (const regionkv::Error& e) {
        response.status = 500;
        response.set_content(std::string(e.what()) + "\n", "text/plain");
        return;
      }
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      response.set_content(
          "backup written to " + dir + " in " + std::to_string(took.count()) + " ms\n",
          "text/plain");
    });
    port_ = port == 0 ? server_.bind_to_any_port("127.0.0.1")
                      : (server_.bind_to_port("127.0.0.1", port) ? port : -1);
    if (port_ < 0) throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~MetricsServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Issues, reads and revokes tokens in a regionkv store."};
  std::string store_dir;
  int count = 5;
  bool keep_running = false;
  int expire_seconds = 3600;
  app.add_option("store", store_dir, "Store directory (created if missing)")->required();
  app.add_option("--tokens", count, "Tokens to issue")->check(CLI::Range(1, 1000000));
  app.add_option("--expire-seconds", expire_seconds, "Token lifetime")
      ->check(CLI::Range(1, 365 * 24 * 3600));
  app.add_flag("--keep-running", keep_running, "Keep issuing until SIGINT/SIGTERM");
  std::optional<int> metrics_port;
  app.add_option("--metrics-port", metrics_port,
                 "Serve statistics on http://127.0.0.1:PORT/metrics (0: any free port); "
                 "implies --keep-running")
      ->check(CLI::Range(0, 65535));
  CLI11_PARSE(app, argc, argv);

  try {
    auto store = regionkv::Store::open(store_dir);
    regionkv::Region& tokens = store->region("tokens");
    regionkv::RegionConfig config;
    config.expire_time = std::chrono::seconds(expire_seconds);
    tokens.configure(config);
    regionkv::Region& revoked = store->region("revoked");
    revoked.configure({});

    std::vector<std::string> issued;
    for (int i = 0; i < count; ++i) issued.push_back(issue(tokens, "user-" + std::to_string(i)));
    for (const auto& id : issued) std::cout << "issued  " << id << "  " << tokens.get(id) << "\n";
    revoke(tokens, revoked, issued.front());
    std::cout << "revoked " << issued.front() << "\n";

    std::cout << "store " << store_dir << " holds regions:";
    for (const auto& name : store->region_names()) std::cout << " " << name;
    std::cout << "\nlive tokens: " << issued.size() - 1 << " of " << issued.size()
              << " (revoked one is " << (tokens.find(issued.front()) ? "still there!" : "gone")
              << ")\n";

    std::optional<MetricsServer> metrics;
    if (metrics_port) {
      metrics.emplace(*store, *metrics_port);
      keep_running = true;
      std::cout << "metrics on http://127.0.0.1:" << metrics->port() << "/metrics" << std::endl;
    }
    if (keep_running) {
      std::signal(SIGINT, [](int) { stop_requested = true; });
      std::signal(SIGTERM, [](int) { stop_requested = true; });
      std::cout << "running; send SIGINT or SIGTERM to stop" << std::endl;
      while (!stop_requested) {
        const std::string id = issue(tokens, "background");
        revoke(tokens, revoked, id);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      std::cout << "stopping cleanly" << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "regionkv-token-service: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
