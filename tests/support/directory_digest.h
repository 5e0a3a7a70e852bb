// Every file of a directory with a hash of its bytes: what a test compares
// before and after an open that must change nothing.
#ifndef REGIONKV_TESTS_SUPPORT_DIRECTORY_DIGEST_H_
#define REGIONKV_TESTS_SUPPORT_DIRECTORY_DIGEST_H_

#include <filesystem>
#include <map>
#include <string>

namespace regionkv::testing {

// File name -> "<size> bytes, xxh3 <hex>" for every entry of `dir`
// (subdirectories as "directory"). Throws std::runtime_error.
std::map<std::string, std::string> digest_directory(const std::filesystem::path& dir);

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_DIRECTORY_DIGEST_H_
