// The expected-state log of the crash harness, and the model it builds.
//
// The writer appends one line per event to a log outside the store, with
// write(2), so every line it wrote survives its SIGKILL (the last one
// possibly cut short, which reads as never written):
//   P <id> set <key> <value>            an operation about to be issued
//   P <id> erase <key>
//   P <id> multi <key> <value> ...      (set_multi: all or nothing)
//   A <id>                              the operation was acknowledged
//   G <key> <token> <lease_end_ms>      a lock was granted
//   Q <key> <token>                     a lock is about to be released
//   R <key> <token>                     the release returned
//   U <key>                             a lock was unavailable
// An operation logged P but not A was in flight at the kill: it may have
// happened or not, but wholly or not at all.
#ifndef REGIONKV_TESTS_CRASH_EXPECTED_STATE_H_
#define REGIONKV_TESTS_CRASH_EXPECTED_STATE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regionkv::testing {

struct LoggedOperation {
  std::uint64_t id = 0;
  // Each key written (a value) or erased (nullopt).
  std::map<std::string, std::optional<std::string>> effects;
  bool acknowledged = false;
};

struct LoggedLockGrant {
  std::string key;
  std::uint64_t fencing_token = 0;
  std::int64_t lease_end_ms = 0;
  bool release_started = false;  // Q seen: at the kill it may be either
  bool released = false;         // R seen
};

struct RoundLog {
  std::vector<LoggedOperation> operations;  // in issue order
  std::vector<LoggedLockGrant> grants;      // in grant order
  std::size_t unavailable = 0;
};

// Parses a whole log; throws std::runtime_error on a malformed line. A last
// line without its newline was cut short by the kill and is skipped: the
// writer acts on a line only once all of it is written.
RoundLog parse_round_log(const std::filesystem::path& path);

// What the store must hold: key -> value, absent keys missing.
class ExpectedState {
 public:
  // Applies every acknowledged operation; returns the one in flight, if any.
  // Throws if more than one operation is unacknowledged (the writer issues
  // one at a time).
  std::optional<LoggedOperation> apply(const RoundLog& log);

  // Checks `actual` (every key's value or nullopt) against the state, where
  // `in_flight` may have been applied wholly or not at all. Returns a
  // description of each violation, and on success adopts `actual`.
  std::vector<std::string> verify_and_adopt(
      const std::map<std::string, std::optional<std::string>>& actual,
      const std::optional<LoggedOperation>& in_flight);

  std::optional<std::string> value(const std::string& key) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_CRASH_EXPECTED_STATE_H_
