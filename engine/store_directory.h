// What a directory is, decided before RocksDB may write to it.
//
// RocksDB's own open writes before it can refuse: a new MANIFEST, a new log,
// OPTIONS; with CURRENT missing it makes a new, empty database over the old
// files and deletes their log. So Engine::open first looks at the directory
// with reads only, and only an empty directory (a new store) or a store
// proceeds:
//
//   missing or empty, or a creation that stopped before RocksDB wrote
//     CURRENT and any data             -> a new store
//   REGIONKV-STORE (the marker file) and a sound CURRENT
//                                      -> a regionkv store
//   a sound CURRENT, no marker file    -> a RocksDB database: an earlier
//     release's store (its marker is a key) or a foreign one; told apart by
//     a read-only open once the lock is held (verify_unmarked_database)
//   CURRENT missing, empty or naming no manifest while the marker file or
//     data files (tables, logs, a manifest past the first) are there
//                                      -> a damaged store: Corruption
//   other files, no database           -> not a store: StorageError
#ifndef REGIONKV_ENGINE_STORE_DIRECTORY_H_
#define REGIONKV_ENGINE_STORE_DIRECTORY_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "engine/rocksdb_options.h"

namespace regionkv::engine {

inline constexpr char kMarkerFileName[] = "REGIONKV-STORE";
inline constexpr char kMarkerFileText[] = "regionkv store format 1\n";

enum class DirectoryKind {
  kMissing,           // no directory
  kNotADirectory,     // a file, or something else
  kOtherFiles,        // files that are not a store's (StoreDirectory::other_files says)
  kNew,               // empty, or a creation that never finished
  kStore,             // a regionkv store (marker file and a sound CURRENT)
  kUnmarkedDatabase,  // a RocksDB database without the marker file
};

struct StoreDirectory {
  DirectoryKind kind = DirectoryKind::kMissing;
  std::optional<std::filesystem::perms> permissions;  // of an existing directory
  std::string other_files;  // kOtherFiles: what makes it no store
};

// Reads `dir` and says what it is; writes nothing. Throws StorageError (the
// directory or a file regionkv reads cannot be read; an unsupported format)
// or Corruption (a damaged store: what is damaged and how to repair it).
// Store::open and regionkv-dump both decide by it.
StoreDirectory classify_store_directory(const std::filesystem::path& dir);

// For kUnmarkedDatabase, with the store's lock held: opens the database read
// only and checks the format marker key an earlier release wrote. Returns
// normally for an earlier release's store, or a database that holds nothing
// (a creation that stopped before its marker). Throws StorageError for a
// foreign database, Corruption if RocksDB cannot read it. Writes nothing.
void verify_unmarked_database(const std::filesystem::path& dir,
                              const StoreRocksDBOptions& options);

// Throws Corruption: the store in `dir` is damaged (`damage` says how), with
// what to do about it.
[[noreturn]] void refuse_damaged_store(const std::filesystem::path& dir,
                                       const std::string& damage);

// Writes `text` to the file `name` in `dir` durably, mode 0600: written to
// "<name>.tmp", synced, renamed into place, the directory synced. Throws
// StorageError, having removed the temporary file.
void write_file_durably(const std::filesystem::path& dir, const std::string& name,
                        std::string_view text);

// Writes the marker file durably (as write_file_durably). Throws StorageError.
void write_marker_file(const std::filesystem::path& dir);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_STORE_DIRECTORY_H_
