// Running a program as a child process and collecting what it says.
#ifndef REGIONKV_TESTS_SUPPORT_SUBPROCESS_H_
#define REGIONKV_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regionkv::testing {

struct ProgramRun {
  int exit_status = -1;  // 128 + the signal if a signal ended it
  std::string out;       // everything written to stdout
  std::string err;       // everything written to stderr
};

// The exit status run_program reports when `as_user` cannot run the program
// (the build tree is out of that user's reach).
inline constexpr int kCannotRunAsUser = 125;

struct RunOptions {
  // Added to (or replacing in) this process's environment.
  std::map<std::string, std::string> env;
  // Run as this user (and group), dropping root's privileges. REQUIRES: root.
  std::optional<uid_t> as_user;
  // Standard error goes where standard output goes, into ProgramRun::out, so
  // that it shows which came first; ProgramRun::err stays empty.
  bool stderr_into_stdout = false;
};

// Runs `program` with `args`, waits for it, and returns what it did.
ProgramRun run_program(const std::string& program, const std::vector<std::string>& args,
                       const RunOptions& options = {});

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_SUBPROCESS_H_
