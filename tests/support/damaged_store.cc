#include "tests/support/damaged_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <sys/stat.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "engine/engine.h"
#include "region/store_internals.h"
#include "regionkv/regionkv.h"

namespace regionkv::testing {
namespace {

namespace fs = std::filesystem;

void check(const rocksdb::Status& status, const std::string& what) {
  if (!status.ok()) throw std::runtime_error(what + ": " + status.ToString());
}

void flush(engine::Engine& engine, rocksdb::ColumnFamilyHandle* family) {
  check(engine.db().Flush(rocksdb::FlushOptions(), family), "flush");
}

// The table files of `family` at `level`, as RocksDB names them.
std::vector<rocksdb::LiveFileMetaData> files_at(engine::Engine& engine, int level,
                                                const std::string& family = "r") {
  std::vector<rocksdb::LiveFileMetaData> all;
  engine.db().GetLiveFilesMetaData(&all);
  std::vector<rocksdb::LiveFileMetaData> found;
  for (const auto& file : all)
    if (file.column_family_name == family && file.level == level) found.push_back(file);
  return found;
}

fs::path current_log(const fs::path& dir, engine::Engine& engine) {
  std::unique_ptr<rocksdb::LogFile> log;
  check(engine.db().GetCurrentWalFile(&log), "current log");
  return dir / fs::path(log->PathName()).filename();
}

void write_keys(Region& region, int from, int to) {
  for (int i = from; i < to; ++i) region.set(layered_key(i), layered_value(i));
}

}  // namespace

std::string layered_key(int i) {
  char key[16];
  std::snprintf(key, sizeof key, "key-%05d", i);
  return key;
}

std::string layered_value(int i) {
  std::string value = "value-" + std::to_string(i) + "-";
  value.resize(100, static_cast<char>('a' + i % 26));
  return value;
}

LayeredStore write_layered_store(const fs::path& dir) {
  LayeredStore layout{.dir = dir};
  StoreOptions options;
  options.sweep_interval = std::chrono::milliseconds(0);  // no writes of its own
  auto store = Store::open(dir, options);
  RegionConfig raw;
  raw.enable_key_mangler = false;
  Region& r = store->region("r");
  r.configure(raw);
  Region& s = store->region("s");
  s.configure(raw);
  engine::Engine& engine = StoreInternals::engine(*store);
  rocksdb::ColumnFamilyHandle* r_family = engine.find_column_family("r");

  for (int i = 0; i < 10; ++i) s.set("s-" + std::to_string(i), "s-value-" + std::to_string(i));
  flush(engine, engine.db().DefaultColumnFamily());
  flush(engine, engine.find_column_family("s"));

  // Four level-1 files, one flush each, moved down at once so that level 0
  // never fills and no automatic compaction merges them.
  for (int batch = 0; batch < 4; ++batch) {
    write_keys(r, batch * 500, batch * 500 + 500);
    flush(engine, r_family);
    const auto flushed = files_at(engine, 0);
    if (flushed.size() != 1) throw std::runtime_error("expected one level-0 file");
    check(engine.db().CompactFiles(rocksdb::CompactionOptions(), r_family, {flushed[0].name}, 1),
          "compact");
  }
  write_keys(r, 2000, 2500);
  flush(engine, r_family);
  s.set("s-old", "kept alive in the older log");
  layout.older_log = current_log(dir, engine);
  write_keys(r, 2500, 2750);
  flush(engine, r_family);
  layout.newest_log = current_log(dir, engine);
  write_keys(r, 2750, kLayeredRecords);

  auto by_key = files_at(engine, 1);
  std::sort(by_key.begin(), by_key.end(),
            [](const auto& a, const auto& b) { return a.smallestkey < b.smallestkey; });
  for (const auto& file : by_key) layout.level_one_files.push_back(dir / file.name.substr(1));
  auto by_age = files_at(engine, 0);
  std::sort(by_age.begin(), by_age.end(),
            [](const auto& a, const auto& b) { return a.smallest_seqno < b.smallest_seqno; });
  for (const auto& file : by_age) layout.level_zero_files.push_back(dir / file.name.substr(1));
  const auto metadata = files_at(engine, 0, rocksdb::kDefaultColumnFamilyName);
  if (metadata.size() != 1) throw std::runtime_error("expected one metadata table file");
  layout.metadata_file = dir / metadata[0].name.substr(1);
  store.reset();

  if (layout.level_one_files.size() != 4 || layout.level_zero_files.size() != 2 ||
      layout.older_log == layout.newest_log || !fs::exists(layout.older_log))
    throw std::runtime_error("RocksDB laid the store out differently than expected");
  std::ifstream current(dir / "CURRENT");
  std::string manifest;
  std::getline(current, manifest);
  layout.manifest = dir / manifest;
  return layout;
}

std::string damage_name(Damage damage) {
  switch (damage) {
    case Damage::kTableTruncated:
      return "TableTruncated";
    case Damage::kTableDeleted:
      return "TableDeleted";
    case Damage::kTableEndFlipped:
      return "TableEndFlipped";
    case Damage::kOlderLogRecord:
      return "OlderLogRecord";
    case Damage::kNewestLogRecord:
      return "NewestLogRecord";
    case Damage::kManifestRecord:
      return "ManifestRecord";
  }
  return "unknown";
}

bool anything_readable_after(Damage damage) {
  return damage != Damage::kOlderLogRecord && damage != Damage::kManifestRecord;
}

void apply(Damage damage, const LayeredStore& store) {
  const fs::path& table = store.level_one_files.at(1);
  switch (damage) {
    case Damage::kTableTruncated:
      fs::resize_file(table, fs::file_size(table) / 2);
      return;
    case Damage::kTableDeleted:
      fs::remove(table);
      return;
    case Damage::kTableEndFlipped:
      flip_bit(table, fs::file_size(table) - 1);
      return;
    case Damage::kOlderLogRecord:
      flip_bit(store.older_log, fs::file_size(store.older_log) / 2);
      return;
    case Damage::kNewestLogRecord:
      flip_bit(store.newest_log, fs::file_size(store.newest_log) / 2);
      return;
    case Damage::kManifestRecord:
      flip_bit(store.manifest, fs::file_size(store.manifest) / 2);
      return;
  }
}

void flip_bit(const fs::path& file, std::uintmax_t offset) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  stream.get(byte);
  stream.seekp(static_cast<std::streamoff>(offset));
  stream.put(static_cast<char>(byte ^ 0x01));
  if (!stream) throw std::runtime_error("cannot flip a bit of " + file.string());
}

std::map<std::string, std::string> file_hashes(const fs::path& dir) {
  std::map<std::string, std::string> hashes;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
    char text[64];
    std::snprintf(text, sizeof text, "%04o %016llx%016llx",
                  static_cast<unsigned>(entry.status().permissions()) & 07777,
                  static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    hashes[fs::relative(entry.path(), dir).string()] = text;
  }
  return hashes;
}

}  // namespace regionkv::testing
