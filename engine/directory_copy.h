// A durable copy of a whole directory, kept aside before a repair changes it
// (include/regionkv/repair.h).
#ifndef REGIONKV_ENGINE_DIRECTORY_COPY_H_
#define REGIONKV_ENGINE_DIRECTORY_COPY_H_

#include <filesystem>
#include <string>

namespace regionkv::engine {

// Copies everything under `from` (regular files, directories and symbolic
// links, each with its mode) into a new sibling directory named
// "<from><suffix>", or "<from><suffix>-2", "-3"... if that name is taken, and
// fsyncs every file and directory of the copy and its parent, so the copy
// outlives a crash of what follows. Returns the copy's path. Throws
// std::filesystem::filesystem_error, having removed any partial copy, if
// anything under `from` cannot be read or copied, or the copy written:
// `from` itself is never changed.
std::filesystem::path copy_directory_aside(const std::filesystem::path& from,
                                           const std::string& suffix);

// Makes `dir` hold exactly what `copy` holds: removes everything under `dir`,
// then copies everything under `copy` into it, fsynced as above. Throws
// std::filesystem::filesystem_error; `copy` is never changed.
void restore_directory(const std::filesystem::path& dir, const std::filesystem::path& copy);

}  // namespace regionkv::engine

#endif  // REGIONKV_ENGINE_DIRECTORY_COPY_H_
