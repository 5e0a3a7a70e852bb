// A store whose records lie in every kind of file RocksDB keeps, and the
// ordinary ways each of those files gets damaged (docs/reliability.md): for
// the tests of the dump tool and of regionkv-repair. Does not depend on
// GoogleTest.
#ifndef REGIONKV_TESTS_SUPPORT_DAMAGED_STORE_H_
#define REGIONKV_TESTS_SUPPORT_DAMAGED_STORE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace regionkv::testing {

// Where write_layered_store put what.
//
// Region "r" (raw keys) holds kLayeredRecords values, "key-00000" upwards:
// keys 0-1999 in four table files at level 1, 500 each, in key order; keys
// 2000-2499 and 2500-2749 in two table files at level 0; keys 2750-2999 only
// in the newest write-ahead log. Region "s" (raw keys) holds "s-0" to "s-9"
// in a table file and "s-old" only in the older log, which it keeps alive
// (that log also holds keys 2500-2749, flushed since). The format marker is
// in a table file of the default column family.
struct LayeredStore {
  std::filesystem::path dir;
  std::vector<std::filesystem::path> level_one_files;   // region r, key order
  std::vector<std::filesystem::path> level_zero_files;  // region r, oldest first
  std::filesystem::path older_log;
  std::filesystem::path newest_log;
  std::filesystem::path manifest;
  std::filesystem::path metadata_file;  // the default column family's: the format marker
};

inline constexpr int kLayeredRecords = 3000;     // in region "r"
inline constexpr int kLayeredOtherRecords = 11;  // in region "s"

// "key-00042" for 42.
std::string layered_key(int i);
// The value stored under layered_key(i): 100 bytes, distinct per key.
std::string layered_value(int i);

// Writes the store described above into `dir` (which must not exist), and
// closes it. Throws std::runtime_error if RocksDB did not lay it out so.
LayeredStore write_layered_store(const std::filesystem::path& dir);

// The ordinary hazards, one file each.
enum class Damage {
  kTableTruncated,   // level_one_files[1] cut to half its size
  kTableDeleted,     // level_one_files[1] removed
  kTableEndFlipped,  // a bit of level_one_files[1]'s last byte (its magic number)
  kOlderLogRecord,   // a bit in the middle of older_log
  kNewestLogRecord,  // a bit in the middle of newest_log
  kManifestRecord,   // a bit in the middle of the MANIFEST
};
inline constexpr Damage kEveryDamage[] = {Damage::kTableTruncated,  Damage::kTableDeleted,
                                          Damage::kTableEndFlipped, Damage::kOlderLogRecord,
                                          Damage::kNewestLogRecord, Damage::kManifestRecord};

// "TableTruncated", ...: for test names.
std::string damage_name(Damage damage);
// Whether RocksDB reads anything of the store after `damage`: a bad record
// in a log older than some table file, or in the MANIFEST, stops it before
// it reads anything.
bool anything_readable_after(Damage damage);
void apply(Damage damage, const LayeredStore& store);

// Flips the lowest bit of the byte at `offset`.
void flip_bit(const std::filesystem::path& file, std::uintmax_t offset);

// Every file under `dir`, by its path relative to `dir`: its mode and the
// XXH3-128 hash of its bytes, to tell whether anything under it changed.
std::map<std::string, std::string> file_hashes(const std::filesystem::path& dir);

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_DAMAGED_STORE_H_
