// The scratch directories a secondary RocksDB instance keeps its own files
// in, under the system temp directory (std::filesystem::temp_directory_path,
// so $TMPDIR), named "regionkv-inspect-<pid>-XXXXXX".
//
// Their owner removes them when it is done (engine/secondary_db.cc), but a
// process killed while it inspects a store (SIGKILL, or Ctrl-C in a tool
// that does not catch it) cannot. The pid in the name lets the next
// inspection in the same temp directory remove those left behind.
#ifndef REGIONKV_ENGINE_SCRATCH_DIR_H_
#define REGIONKV_ENGINE_SCRATCH_DIR_H_

#include <chrono>
#include <filesystem>

namespace regionkv::engine {

inline constexpr char kScratchDirPrefix[] = "regionkv-inspect-";

// A scratch directory left behind is removed once its process is gone, it
// belongs to this user, and nothing has changed in it for this long (a guard
// against a live process in another pid namespace sharing the directory).
inline constexpr std::chrono::minutes kAbandonedScratchAge{1};

// Makes a fresh scratch directory, after removing the abandoned ones beside
// it (best effort: one that cannot be removed is left). Throws StorageError.
std::filesystem::path make_scratch_dir();

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_SCRATCH_DIR_H_
