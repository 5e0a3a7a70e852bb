#include "tests/crash/expected_state.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace regionkv::testing {
namespace {

[[noreturn]] void malformed(const std::string& line) {
  throw std::runtime_error("malformed expected-state line: '" + line + "'");
}

}  // namespace

RoundLog parse_round_log(const std::filesystem::path& path) {
  std::ifstream in(path);
  RoundLog log;
  std::map<std::uint64_t, std::size_t> by_id;
  std::string line;
  while (std::getline(in, line)) {
    // No newline: the kill cut the line short (the kernel checks for a fatal
    // signal between the pages of a write). The writer acts on a line only
    // after writing all of it, so a torn line is as if never written: a torn
    // "P" was never issued, a torn acknowledgement leaves its operation in
    // flight, and either outcome is accepted for that.
    if (in.eof()) break;
    std::istringstream words(line);
    std::string tag;
    words >> tag;
    if (tag == "P") {
      LoggedOperation op;
      std::string kind, key, value;
      if (!(words >> op.id >> kind)) malformed(line);
      if (kind == "set") {
        if (!(words >> key >> value)) malformed(line);
        op.effects[key] = value;
      } else if (kind == "erase") {
        if (!(words >> key)) malformed(line);
        op.effects[key] = std::nullopt;
      } else if (kind == "multi") {
        while (words >> key) {
          if (!(words >> value)) malformed(line);
          op.effects[key] = value;
        }
        if (op.effects.empty()) malformed(line);
      } else {
        malformed(line);
      }
      by_id[op.id] = log.operations.size();
      log.operations.push_back(std::move(op));
    } else if (tag == "A") {
      std::uint64_t id = 0;
      if (!(words >> id) || !by_id.count(id)) malformed(line);
      log.operations[by_id[id]].acknowledged = true;
    } else if (tag == "G") {
      LoggedLockGrant grant;
      if (!(words >> grant.key >> grant.fencing_token >> grant.lease_end_ms)) malformed(line);
      log.grants.push_back(std::move(grant));
    } else if (tag == "Q" || tag == "R") {
      std::string key;
      std::uint64_t token = 0;
      if (!(words >> key >> token)) malformed(line);
      bool found = false;
      for (auto& grant : log.grants) {
        if (grant.key == key && grant.fencing_token == token && !grant.released) {
          (tag == "Q" ? grant.release_started : grant.released) = found = true;
          break;
        }
      }
      if (!found) malformed(line);
    } else if (tag == "U") {
      ++log.unavailable;
    } else {
      malformed(line);
    }
  }
  return log;
}

std::optional<LoggedOperation> ExpectedState::apply(const RoundLog& log) {
  std::optional<LoggedOperation> in_flight;
  for (const auto& op : log.operations) {
    if (!op.acknowledged) {
      if (in_flight)
        throw std::runtime_error("two operations in flight: " + std::to_string(in_flight->id) +
                                 " and " + std::to_string(op.id));
      in_flight = op;
      continue;
    }
    if (in_flight)
      throw std::runtime_error("operation " + std::to_string(in_flight->id) +
                               " unacknowledged but followed by acknowledged " +
                               std::to_string(op.id));
    for (const auto& [key, value] : op.effects) {
      if (value) values_[key] = *value;
      else values_.erase(key);
    }
  }
  return in_flight;
}

std::vector<std::string> ExpectedState::verify_and_adopt(
    const std::map<std::string, std::optional<std::string>>& actual,
    const std::optional<LoggedOperation>& in_flight) {
  std::vector<std::string> violations;
  bool applied_seen = false, not_applied_seen = false;
  for (const auto& [key, got] : actual) {
    const std::optional<std::string> expected = value(key);
    if (got == expected) {
      if (in_flight && in_flight->effects.count(key) &&
          in_flight->effects.at(key) != expected)
        not_applied_seen = true;
      continue;
    }
    if (in_flight && in_flight->effects.count(key) && in_flight->effects.at(key) == got) {
      applied_seen = true;
      continue;
    }
    violations.push_back("key " + key + ": expected " + (expected ? *expected : "(absent)") +
                         ", found " + (got ? *got : "(absent)"));
  }
  if (applied_seen && not_applied_seen)
    violations.push_back("operation " + std::to_string(in_flight->id) +
                         " was applied only in part");
  if (violations.empty()) {
    values_.clear();
    for (const auto& [key, got] : actual)
      if (got) values_[key] = *got;
  }
  return violations;
}

std::optional<std::string> ExpectedState::value(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace regionkv::testing
