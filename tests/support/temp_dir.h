// A fresh directory under the system temp dir, removed with its contents
// when the object goes away.
#ifndef REGIONKV_TESTS_SUPPORT_TEMP_DIR_H_
#define REGIONKV_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace regionkv::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // A path inside the directory that does not exist yet.
  std::filesystem::path sub(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A random 32-character hex string (the seed's uuid.uuid4().hex).
std::string random_hex();

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_TEMP_DIR_H_
