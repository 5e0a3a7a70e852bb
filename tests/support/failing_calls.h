// What tests of broken servers check of every call of a region: that it
// throws StorageError naming the server, and how soon.
#ifndef REGIONKV_TESTS_SUPPORT_FAILING_CALLS_H_
#define REGIONKV_TESTS_SUPPORT_FAILING_CALLS_H_

#include <chrono>
#include <functional>
#include <string>

#include "regionkv/regionkv.h"
#include "tests/support/fake_server.h"

namespace regionkv::testing {

struct CallOutcome {
  std::chrono::milliseconds took{0};
  std::string error = "(no StorageError)";  // the StorageError's message
};

// Runs `call`: how long it took and what StorageError it threw. Other
// exceptions pass through.
CallOutcome outcome_of(const std::function<void()>& call);

// Calls find, get, get_multi, set and get_lock on `region` once each, and
// expects each to throw a StorageError that names `server` within
// `longest`: a read that finds nothing (or throws NotFound) fails the
// expectation. Records each call's time as the test property "<call>_ms".
void expect_every_call_fails_within(Region& region, std::chrono::milliseconds longest,
                                    const std::string& server);

// A connection whose call timed out may still receive the rest of that
// answer. Makes two finds on `region`, whose server is `server` (one that
// drips its answers or is silent), and expects each to fail and to have
// opened a connection of its own: the second never reads the first's.
void expect_a_timed_out_connection_is_not_used_again(Region& region, const FakeServer& server);

}  // namespace regionkv::testing

#endif  // REGIONKV_TESTS_SUPPORT_FAILING_CALLS_H_
