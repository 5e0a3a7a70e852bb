#include "engine/owner_only_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rocksdb/file_system.h>

#include <cerrno>
#include <memory>
#include <system_error>

namespace regionkv::engine {
namespace {

constexpr mode_t kFileMode = 0600;
constexpr mode_t kDirectoryMode = 0700;

// Creates `name` mode 0600 if it is missing, or gives it mode 0600. Errors
// are left for the call that follows to report: it fails the same way.
void prepare_file(const std::string& name) {
  const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, kFileMode);
  if (fd < 0) return;
  ::fchmod(fd, kFileMode);
  ::close(fd);
}

void prepare_directory(const std::string& name) {
  if (::mkdir(name.c_str(), kDirectoryMode) == 0) ::chmod(name.c_str(), kDirectoryMode);
}

class OwnerOnlyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit OwnerOnlyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target)
      : rocksdb::FileSystemWrapper(target) {}

  static const char* kClassName() { return "RegionkvOwnerOnlyFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    prepare_file(name);
    return target()->NewWritableFile(name, options, result, dbg);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    prepare_file(name);
    return target()->ReopenWritableFile(name, options, result, dbg);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    // Renames old_name to name: the mode travels with the file.
    prepare_file(old_name);
    return target()->ReuseWritableFile(name, old_name, options, result, dbg);
  }
  rocksdb::IOStatus NewRandomRWFile(const std::string& name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    prepare_file(name);
    return target()->NewRandomRWFile(name, options, result, dbg);
  }
  rocksdb::IOStatus LockFile(const std::string& name, const rocksdb::IOOptions& options,
                             rocksdb::FileLock** lock, rocksdb::IODebugContext* dbg) override {
    prepare_file(name);
    return target()->LockFile(name, options, lock, dbg);
  }
  rocksdb::IOStatus CreateDir(const std::string& name, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    // mkdir fails if the directory exists, as CreateDir must.
    if (::mkdir(name.c_str(), kDirectoryMode) == 0) {
      ::chmod(name.c_str(), kDirectoryMode);
      return rocksdb::IOStatus::OK();
    }
    return target()->CreateDir(name, options, dbg);
  }
  rocksdb::IOStatus CreateDirIfMissing(const std::string& name,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
    prepare_directory(name);  // an existing directory keeps its mode
    return target()->CreateDirIfMissing(name, options, dbg);
  }
};

}  // namespace

rocksdb::Env* owner_only_env() {
  // Leaked on purpose, like rocksdb::Env::Default(): databases may be
  // closed during static destruction.
  static rocksdb::Env* const env =
      rocksdb::NewCompositeEnv(
          std::make_shared<OwnerOnlyFileSystem>(rocksdb::FileSystem::Default()))
          .release();
  return env;
}

void create_owner_only_directory(const std::filesystem::path& path) {
  // "a/b/" names a/b.
  const std::filesystem::path dir = path.has_filename() ? path : path.parent_path();
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path());
  if (::mkdir(dir.c_str(), kDirectoryMode) != 0) {
    if (errno == EEXIST && std::filesystem::is_directory(dir)) return;
    throw std::filesystem::filesystem_error(
        "cannot create directory", dir, std::error_code(errno, std::generic_category()));
  }
  // The umask may have removed the owner's own bits.
  ::chmod(dir.c_str(), kDirectoryMode);
}

}  // namespace regionkv::engine
