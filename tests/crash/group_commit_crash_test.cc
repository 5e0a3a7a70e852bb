// Writers of one power-loss store share their fsyncs (engine/commit_pipeline.h);
// kill -9 while they do loses no write acknowledged to any of them, and
// keeps no write that none of them made.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/temp_dir.h"

namespace regionkv {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr int kWriters = 4;

StoreOptions power_loss() {
  StoreOptions options;
  options.durability = Durability::kPowerLoss;
  options.sweep_interval = 0ms;
  return options;
}

// The child: each writer sets its key to 1, 2, 3... and reports each
// acknowledged value as one line "<writer> <value>\n" on `out` (a pipe; a
// line is one write(2), so lines never interleave). Runs until killed.
[[noreturn]] void write_until_killed(const std::filesystem::path& dir, int out) {
  auto store = Store::open(dir, power_loss());
  Region& region = store->region("r");
  region.configure({});
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&region, out, w] {
      for (long value = 1;; ++value) {
        region.set("writer-" + std::to_string(w), std::to_string(value));
        const std::string line = std::to_string(w) + " " + std::to_string(value) + "\n";
        if (::write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
          _exit(3);
      }
    });
  }
  for (;;) pause();
}

// Reads what the child reports until `deadline`, then until the pipe closes.
std::map<int, long> acknowledged_until(int in, std::chrono::steady_clock::time_point deadline,
                                       pid_t child) {
  std::string text;
  char buffer[4096];
  bool killed = false;
  for (;;) {
    if (!killed && std::chrono::steady_clock::now() >= deadline) {
      kill(child, SIGKILL);
      killed = true;
    }
    pollfd readable{in, POLLIN, 0};
    if (::poll(&readable, 1, 10) <= 0) continue;
    const ssize_t got = ::read(in, buffer, sizeof buffer);
    if (got <= 0) break;  // every writer end closed: the child is gone
    text.append(buffer, static_cast<std::size_t>(got));
  }
  std::map<int, long> highest;
  std::istringstream lines(text);
  int writer;
  long value;
  while (lines >> writer >> value) highest[writer] = std::max(highest[writer], value);
  return highest;
}

TEST(GroupCommitCrashTest, KillNineLosesNoWriteAcknowledgedToAnyWriter) {
  std::mt19937 random(std::random_device{}());
  std::uint64_t grouped_rounds = 0;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TempDir dir;
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(report[0]);
      write_until_killed(dir.sub("store"), report[1]);
    }
    ::close(report[1]);
    const auto deadline = std::chrono::steady_clock::now() + 300ms + (random() % 400) * 1ms;
    const std::map<int, long> acknowledged = acknowledged_until(report[0], deadline, child);
    ::close(report[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited with " << WEXITSTATUS(status);

    auto store = Store::open(dir.sub("store"), power_loss());
    Region& region = store->region("r");
    region.configure({});
    for (int w = 0; w < kWriters; ++w) {
      const auto it = acknowledged.find(w);
      const long acked = it == acknowledged.end() ? 0 : it->second;
      const auto stored = region.find("writer-" + std::to_string(w));
      const long value = stored ? std::stol(*stored) : 0;
      // Each writer has one write in flight: the stored value is the last
      // acknowledged one, or the one after it.
      EXPECT_GE(value, acked) << "writer " << w << " lost an acknowledged write";
      EXPECT_LE(value, acked + 1) << "writer " << w;
    }
    grouped_rounds += acknowledged.size() == kWriters;
  }
  EXPECT_GT(grouped_rounds, 0u) << "no round had every writer acknowledged";
}

}  // namespace
}  // namespace regionkv
