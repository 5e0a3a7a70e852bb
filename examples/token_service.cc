// regionkv-token-service: an example of the long-running programs that embed
// a store. It issues tokens into a region, reads them back, revokes one
// under its lock and shows what it stored, then exits; --keep-running keeps
// it issuing and revoking until SIGINT or SIGTERM.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
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
