// The fault matrix (issue #21, docs/reliability.md "The fault matrix"):
// for each kind of file in a store × each way it gets damaged, what
// Store::open does, and that regionkv-dump agrees. Never a wrong value; a
// refused open changes no file.
//
// The store under test holds 1,200 distinct values in two regions, spread
// over two table files and three logs (the oldest kept alive by region b's
// unflushed writes). The test process itself never opens RocksDB: stores
// are made and opened in forked children (as nobody when the test runs as
// root, so that an unreadable file is unreadable), so no RocksDB thread of
// the parent's can hold a lock across a fork.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"
#include "tests/support/subprocess.h"
#include "tests/support/directory_digest.h"
#include "tests/support/forked_child.h"
#include "tests/support/temp_dir.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;
constexpr int kPerStep = 200;  // values per region per step; three steps

enum class File { kNewestTable, kOlderTable, kNewestLog, kOlderLog, kManifest, kCurrent,
                  kOptions, kMarker, kLock };
enum class Fault { kFlipBits, kTruncate, kDelete, kUnreadable };
enum class Outcome {
  kAllValues,        // opens; every value, right
  kLogTailLost,      // opens; only the newest log's last writes are gone, a suffix of them
  kReadsOfDamagedBlockFail,  // opens; keys in the damaged block throw Corruption
  kRefusedCorruption,        // Corruption; no file changed
  kRefusedStorageError,      // StorageError (a file it may not read); no file changed
};

const char* name(File file) {
  static const char* names[] = {"newest table", "older table", "newest log", "older log",
                                "MANIFEST", "CURRENT", "OPTIONS", "marker file", "LOCK"};
  return names[static_cast<int>(file)];
}
const char* name(Fault fault) {
  static const char* names[] = {"bits flipped", "truncated", "deleted", "unreadable"};
  return names[static_cast<int>(fault)];
}
const char* name(Outcome outcome) {
  static const char* names[] = {"opens with every value", "opens; the newest log's tail lost",
                                "opens; reads of the damaged block fail",
                                "refused: Corruption", "refused: StorageError"};
  return names[static_cast<int>(outcome)];
}

std::string value_of(const std::string& key) { return "value of " + key; }
std::string key_of(char region, int i) { return std::string(1, region) + std::to_string(i); }

// In write order: a's values, then b's, for each step.
std::vector<std::pair<char, std::string>> every_key() {
  std::vector<std::pair<char, std::string>> keys;
  for (int step = 0; step < 3; ++step)
    for (char region : {'a', 'b'})
      for (int i = step * kPerStep; i < (step + 1) * kPerStep; ++i)
        keys.emplace_back(region, key_of(region, i));
  return keys;
}

RegionConfig raw_keys() { return RegionConfig{.enable_key_mangler = false}; }

StoreOptions quiet() {
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);
  options.log = [](std::string_view) {};
  return options;
}

void make_template_store(const fs::path& path) {
  auto store = Store::open(path, quiet());
  for (const char* region : {"a", "b"}) store->region(region).configure(raw_keys());
  engine::Engine& engine = StoreInternals::engine(*store);
  const auto write_step = [&](int step) {
    for (char region : {'a', 'b'})
      for (int i = step * kPerStep; i < (step + 1) * kPerStep; ++i)
        store->region(std::string(1, region)).set(key_of(region, i), value_of(key_of(region, i)));
  };
  const auto flush_a = [&] {
    if (!engine.db().Flush(rocksdb::FlushOptions(), engine.column_family("a")).ok())
      throw std::runtime_error("flush failed");
  };
  write_step(0);
  flush_a();
  write_step(1);
  flush_a();
  write_step(2);
}

fs::path file_of(const fs::path& dir, File file) {
  const auto manifests = [&] {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().filename().string().starts_with("MANIFEST-")) found.push_back(entry.path());
    std::sort(found.begin(), found.end());
    return found;
  };
  switch (file) {
    case File::kNewestTable: return files_ending(dir, ".sst").back();
    case File::kOlderTable: return files_ending(dir, ".sst").front();
    case File::kNewestLog: return files_ending(dir, ".log").back();
    case File::kOlderLog: return files_ending(dir, ".log").front();
    case File::kManifest: return manifests().back();
    case File::kCurrent: return dir / "CURRENT";
    case File::kOptions: {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().filename().string().starts_with("OPTIONS-")) found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      return found.back();
    }
    case File::kMarker: return dir / "REGIONKV-STORE";
    case File::kLock: return dir / "LOCK";
  }
  return {};
}

void damage(const fs::path& file, Fault fault) {
  const auto size = fs::file_size(file);
  switch (fault) {
    case Fault::kFlipBits: {
      if (size == 0) return;  // LOCK: no bits to flip
      std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
      for (std::uintmax_t offset : {size / 2, size / 2 + 1, size / 2 + 7}) {
        if (offset >= size) continue;
        stream.seekg(static_cast<std::streamoff>(offset));
        char byte = 0;
        stream.get(byte);
        stream.seekp(static_cast<std::streamoff>(offset));
        stream.put(static_cast<char>(byte ^ 0x24));
      }
      return;
    }
    case Fault::kTruncate:
      fs::resize_file(file, size / 2);
      return;
    case Fault::kDelete:
      fs::remove(file);
      return;
    case Fault::kUnreadable:
      fs::permissions(file, fs::perms::none);
      return;
  }
}

void give_to_nobody(const fs::path& path) {
  if (geteuid() != 0) return;
  if (chown(path.c_str(), kNobody, kNobody) != 0) throw std::runtime_error("chown failed");
  if (fs::is_directory(path))
    for (const auto& entry : fs::recursive_directory_iterator(path))
      if (chown(entry.path().c_str(), kNobody, kNobody) != 0) throw std::runtime_error("chown");
}

bool become_nobody() { return geteuid() != 0 || (setgid(kNobody) == 0 && setuid(kNobody) == 0); }

// Opens the store in a child (as nobody under root) and says what it found:
// "refused corruption", "refused storage", or "opened" with what the reads
// gave: "missing K", "corrupt K", "wrong K" per key.
std::string open_and_read(const fs::path& path) {
  const auto child = run_in_forked_child(
      [&](std::string& report) {
        if (!become_nobody()) return 2;
        std::unique_ptr<Store> store;
        try {
          store = Store::open(path, quiet());
        } catch (const Corruption& e) {
          report = std::string("refused corruption: ") + e.what();
          return 0;
        } catch (const StorageError& e) {
          report = std::string("refused storage: ") + e.what();
          return 0;
        }
        report = "opened\n";
        for (const char* region : {"a", "b"}) store->region(region).configure(raw_keys());
        for (const auto& [region, key] : every_key()) {
          try {
            const auto value = store->region(std::string(1, region)).find(key);
            if (!value) report += "missing " + key + "\n";
            else if (*value != value_of(key)) report += "wrong " + key + "\n";
          } catch (const Corruption&) {
            report += "corrupt " + key + "\n";
          }
        }
        return 0;
      },
      ChildExit::kUnderscoreExit);
  if (child.hung || child.exit_status != 0) return "child failed: " + child.report;
  return child.report;
}

// The outcome a report shows; "wrong value" fails the row whatever it expected.
std::string outcome_of(const std::string& report) {
  if (report.starts_with("refused corruption")) return name(Outcome::kRefusedCorruption);
  if (report.starts_with("refused storage")) return name(Outcome::kRefusedStorageError);
  if (!report.starts_with("opened")) return report;
  if (report.find("\nwrong ") != std::string::npos) return "WRONG VALUE";
  if (report.find("\ncorrupt ") != std::string::npos) {
    if (report.find("\nmissing ") != std::string::npos) return "corrupt and missing";
    return name(Outcome::kReadsOfDamagedBlockFail);
  }
  if (report == "opened\n") return name(Outcome::kAllValues);
  // Only a suffix of the newest log's writes (step 2, in write order) may be
  // missing.
  std::vector<std::string> missing;
  for (std::size_t at = 0; (at = report.find("\nmissing ", at)) != std::string::npos;) {
    at += 9;
    missing.push_back(report.substr(at, report.find('\n', at) - at));
  }
  const auto keys = every_key();
  const auto first = std::find_if(keys.begin(), keys.end(),
                                  [&](const auto& key) { return key.second == missing.front(); });
  const std::size_t suffix_start = static_cast<std::size_t>(first - keys.begin());
  const bool is_suffix = keys.size() - suffix_start == missing.size() &&
                         suffix_start >= keys.size() * 2 / 3;
  return is_suffix ? name(Outcome::kLogTailLost) : "values missing, not a tail";
}

struct Row {
  File file;
  Fault fault;
  Outcome expected;
  // What regionkv-dump's reading gives, where it differs from the open's.
  std::optional<Outcome> dump_expected = std::nullopt;
};

// In the test's name: the row's file and fault (its bytes would show
// padding, which differs from run to run).
void PrintTo(const Row& row, std::ostream* os) { *os << name(row.file) << ", " << name(row.fault); }

class FaultMatrixTest : public ::testing::TestWithParam<Row> {
 protected:
  static void SetUpTestSuite() {
    template_dir_ = new TempDir();
    const auto made = run_in_forked_child(
        [](std::string&) {
          make_template_store(template_dir_->sub("store"));
          return 0;
        },
        ChildExit::kUnderscoreExit);
    ASSERT_EQ(made.exit_status, 0) << made.report;
    ASSERT_EQ(files_ending(template_dir_->sub("store"), ".sst").size(), 2u);
    ASSERT_EQ(files_ending(template_dir_->sub("store"), ".log").size(), 3u);
  }
  static void TearDownTestSuite() { delete template_dir_; }

  static TempDir* template_dir_;
};
TempDir* FaultMatrixTest::template_dir_ = nullptr;

TEST_P(FaultMatrixTest, OpenAndDumpAgree) {
  const Row row = GetParam();
  TempDir dir;
  const fs::path path = dir.sub("store");
  fs::copy(template_dir_->sub("store"), path, fs::copy_options::recursive);
  give_to_nobody(dir.path());
  damage(file_of(path, row.file), row.fault);
  const auto before = digest_directory(path);

  const std::string report = open_and_read(path);
  const std::string outcome = outcome_of(report);
  EXPECT_EQ(outcome, name(row.expected)) << name(row.file) << " " << name(row.fault) << ":\n"
                                         << report.substr(0, 600);
  if (row.expected == Outcome::kRefusedCorruption ||
      row.expected == Outcome::kRefusedStorageError) {
    EXPECT_EQ(digest_directory(path), before) << "a refused open changed the directory";
  }

  // regionkv-dump on the same damage (a fresh copy: the open above may have
  // replayed and rewritten the logs): exit 0 with the same records when the
  // open would read them all, 1 when it would refuse or a read would fail.
  TempDir dump_dir;
  const fs::path dump_path = dump_dir.sub("store");
  fs::copy(template_dir_->sub("store"), dump_path, fs::copy_options::recursive);
  give_to_nobody(dump_dir.path());
  damage(file_of(dump_path, row.file), row.fault);
  RunOptions as;
  if (geteuid() == 0 && row.fault == Fault::kUnreadable) as.as_user = kNobody;
  const ProgramRun dump = run_program(REGIONKV_DUMP_BINARY, {dump_path.string(), "--format", "json"}, as);
  if (dump.exit_status == kCannotRunAsUser) {
    GTEST_SKIP() << "the dump tool is out of nobody's reach";
  }
  const Outcome dump_expected = row.dump_expected.value_or(row.expected);
  const std::size_t expected_records =
      dump_expected == Outcome::kAllValues ? 3 * 2 * kPerStep
      : dump_expected == Outcome::kLogTailLost
          ? 3 * 2 * kPerStep - static_cast<std::size_t>(std::count(report.begin(), report.end(), '\n') - 1)
          : 0;
  if (expected_records > 0) {
    ASSERT_EQ(dump.exit_status, 0) << dump.err;
    std::size_t records = 0;
    const nlohmann::json document = nlohmann::json::parse(dump.out);
    for (const auto& region : document["regions"])
      records += region["records"].size();
    EXPECT_EQ(records, expected_records) << dump.out.substr(0, 400);
  } else {
    EXPECT_EQ(dump.exit_status, 1) << "the dump hid what the open reports: " << dump.err;
    EXPECT_FALSE(dump.err.empty());
  }
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  std::string text = std::string(name(info.param.file)) + "_" + name(info.param.fault);
  for (char& c : text)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return text;
}

using O = Outcome;
INSTANTIATE_TEST_SUITE_P(
    EveryFileEveryFault, FaultMatrixTest,
    ::testing::Values(
        Row{File::kNewestTable, Fault::kFlipBits, O::kReadsOfDamagedBlockFail},
        Row{File::kNewestTable, Fault::kTruncate, O::kRefusedCorruption},
        Row{File::kNewestTable, Fault::kDelete, O::kRefusedCorruption},
        Row{File::kNewestTable, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kOlderTable, Fault::kFlipBits, O::kReadsOfDamagedBlockFail},
        Row{File::kOlderTable, Fault::kTruncate, O::kRefusedCorruption},
        Row{File::kOlderTable, Fault::kDelete, O::kRefusedCorruption},
        Row{File::kOlderTable, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kNewestLog, Fault::kFlipBits, O::kRefusedCorruption},
        Row{File::kNewestLog, Fault::kTruncate, O::kLogTailLost},
        Row{File::kNewestLog, Fault::kDelete, O::kLogTailLost},
        Row{File::kNewestLog, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kOlderLog, Fault::kFlipBits, O::kRefusedCorruption},
        Row{File::kOlderLog, Fault::kTruncate, O::kRefusedCorruption},
        Row{File::kOlderLog, Fault::kDelete, O::kRefusedCorruption},
        Row{File::kOlderLog, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kManifest, Fault::kFlipBits, O::kRefusedCorruption},
        // Every log is still there (region b keeps the oldest alive), so the
        // edits cut off are replayed from the logs; where a log the cut
        // MANIFEST names is gone, the open is refused
        // (DamagedStoreTest.TruncatedManifestIsRefusedUntouched).
        Row{File::kManifest, Fault::kTruncate, O::kAllValues},
        Row{File::kManifest, Fault::kDelete, O::kRefusedCorruption},
        Row{File::kManifest, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kCurrent, Fault::kFlipBits, O::kRefusedCorruption},
        Row{File::kCurrent, Fault::kTruncate, O::kRefusedCorruption},
        Row{File::kCurrent, Fault::kDelete, O::kRefusedCorruption},
        Row{File::kCurrent, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kOptions, Fault::kFlipBits, O::kAllValues},
        Row{File::kOptions, Fault::kTruncate, O::kAllValues},
        Row{File::kOptions, Fault::kDelete, O::kAllValues},
        Row{File::kOptions, Fault::kUnreadable, O::kAllValues},
        Row{File::kMarker, Fault::kFlipBits, O::kRefusedCorruption},
        Row{File::kMarker, Fault::kTruncate, O::kRefusedCorruption},
        Row{File::kMarker, Fault::kDelete, O::kAllValues},
        Row{File::kMarker, Fault::kUnreadable, O::kRefusedStorageError},
        Row{File::kLock, Fault::kFlipBits, O::kAllValues},
        Row{File::kLock, Fault::kTruncate, O::kAllValues},
        Row{File::kLock, Fault::kDelete, O::kAllValues},
        // The dump takes no lock: it reads a store whose LOCK it may not write.
        Row{File::kLock, Fault::kUnreadable, O::kRefusedStorageError, O::kAllValues}),
    row_name);

}  // namespace
}  // namespace regionkv::testing
