// What a directory holds, for tests that look at a store's files: every
// file with a hash of its bytes (compared before and after an open that
// must change nothing), and the files of one kind.
#ifndef REGIONKV_TESTS_SUPPORT_DIRECTORY_DIGEST_H_
#define REGIONKV_TESTS_SUPPORT_DIRECTORY_DIGEST_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace regionkv::testing {

// File name -> "<size> bytes, xxh3 <hex>" for every entry of `dir`
// (subdirectories as "directory"). Throws std::runtime_error.
std::map<std::string, std::string> digest_directory(const std::filesystem::path& dir);

// The files of `dir` whose names end with `suffix` (".sst", ".log"), in name
// order, which for RocksDB's numbered files is oldest first.
std::vector<std::filesystem::path> files_ending(const std::filesystem::path& dir,
                                                const std::string& suffix);

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_DIRECTORY_DIGEST_H_
