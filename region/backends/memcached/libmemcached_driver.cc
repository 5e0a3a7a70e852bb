#include "region/backends/memcached/libmemcached_driver.h"

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "common/describe.h"
#include "region/backends/memcached/memcached_expiry.h"
#include "regionkv/errors.h"
#include "regionkv/printable.h"

namespace regionkv::memcached {
namespace {

// An increment on a counter that keeps vanishing between "incr" and "add"
// gives up after this many rounds.
constexpr int kIncrementRounds = 3;

// A result buffer on the stack, freed on every path.
class Result {
 public:
  explicit Result(memcached_st* client) { memcached_result_create(client, &result_); }
  ~Result() { memcached_result_free(&result_); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  memcached_result_st* get() { return &result_; }

 private:
  memcached_result_st result_;
};

std::string server_of(memcached_st* client, std::string_view key) {
  memcached_return_t rc;
  const memcached_instance_st* server =
      memcached_server_by_key(client, key.data(), key.size(), &rc);
  if (server == nullptr) return "(unknown server)";
  ServerAddress address{memcached_server_name(server), memcached_server_port(server)};
  return address.to_string();
}

// libmemcached's last error without the "(0x...) " address it starts with.
std::string last_error(memcached_st* client) {
  std::string message = memcached_last_error_message(client);
  if (message.rfind("(0x", 0) == 0) {
    const auto close = message.find(") ");
    if (close != std::string::npos) message.erase(0, close + 2);
  }
  return message;
}

// Why a call on `client` failed with `rc`. libmemcached's detail may echo
// what the server answered, so it is cut.
std::string failure(const ClientPool::Borrowed& client, memcached_return_t rc) {
  if (rc == MEMCACHED_TIMEOUT && client.past_deadline())
    return "no complete answer within " + std::to_string(client.budget().count()) +
           (client.opened_connections() ? " ms (io_timeout_ms, and connect_timeout_ms for each "
                                          "connection the call opened)"
                                        : " ms (io_timeout_ms)");
  return std::string(memcached_strerror(nullptr, rc)) + " (" + printable(last_error(client.get())) +
         ")";
}

[[noreturn]] void fail(ClientPool::Borrowed& client, memcached_return_t rc,
                       std::string_view operation, std::string_view key) {
  client.tally().failed(client.get(), key, rc);
  const std::string what = common::describe_server("memcached", server_of(client.get(), key)) +
                           ": " + std::string(operation) + " of key '" + printable(key) +
                           "' failed: " + failure(client, rc);
  client.discard();
  if (rc == MEMCACHED_E2BIG) throw std::invalid_argument(what + ": value too large");
  throw StorageError(what);
}

[[noreturn]] void fail_multi(ClientPool::Borrowed& client, memcached_return_t rc,
                             const std::vector<std::string>& keys) {
  client.tally().failed(client.get(), keys, rc);
  std::set<std::string> servers;
  for (const auto& key : keys) servers.insert(server_of(client.get(), key));
  std::string names;
  for (const auto& name : servers) names += (names.empty() ? "" : ", ") + printable(name);
  const std::string what = "memcached servers " + names + ": get_multi of " +
                           std::to_string(keys.size()) + " keys failed: " + failure(client, rc);
  client.discard();
  throw StorageError(what);
}

// How a fetch of an mget's answers ended: a miss (or the last item) is
// MEMCACHED_SUCCESS, anything else the failure. memcached_fetch_result
// reports whatever failure it met before the first item, an answer that is
// not memcached's protocol or a closed connection, as MEMCACHED_NOTFOUND,
// as it reports a miss; the error it recorded on the client for the query
// under way (libmemcached clears it when a query starts) tells them apart.
memcached_return_t fetch_outcome(memcached_st* client, memcached_return_t rc) {
  const memcached_return_t recorded = memcached_last_error(client);
  if (memcached_failed(recorded)) return recorded;
  if (rc == MEMCACHED_END || rc == MEMCACHED_NOTFOUND) return MEMCACHED_SUCCESS;
  return rc;
}

// Reads the replies to a one-key mget.
std::optional<MemcachedItem> fetch_one(ClientPool::Borrowed& client, std::string_view key) {
  Result result(client.get());
  std::optional<MemcachedItem> item;
  memcached_return_t rc = MEMCACHED_SUCCESS;
  while (memcached_fetch_result(client.get(), result.get(), &rc) != nullptr) {
    item = MemcachedItem{
        std::string(memcached_result_value(result.get()), memcached_result_length(result.get())),
        memcached_result_cas(result.get())};
  }
  rc = fetch_outcome(client.get(), rc);
  if (rc != MEMCACHED_SUCCESS) fail(client, rc, "get", key);
  return item;
}

std::optional<MemcachedItem> get_with(ClientPool::Borrowed& client, std::string_view key) {
  const char* keys[] = {key.data()};
  const std::size_t lengths[] = {key.size()};
  const memcached_return_t rc = memcached_mget(client.get(), keys, lengths, 1);
  if (rc != MEMCACHED_SUCCESS) fail(client, rc, "get", key);
  return fetch_one(client, key);
}

// The values of those of `keys` that are present, by key: one mget, a round
// trip to each server involved.
std::unordered_map<std::string, std::string> fetch_many(ClientPool::Borrowed& client,
                                                        const std::vector<std::string>& keys) {
  std::vector<const char*> key_data;
  std::vector<std::size_t> key_lengths;
  key_data.reserve(keys.size());
  key_lengths.reserve(keys.size());
  for (const auto& key : keys) {
    key_data.push_back(key.data());
    key_lengths.push_back(key.size());
  }
  memcached_return_t rc =
      memcached_mget(client.get(), key_data.data(), key_lengths.data(), keys.size());
  if (rc != MEMCACHED_SUCCESS) fail_multi(client, rc, keys);
  std::unordered_map<std::string, std::string> found;
  Result result(client.get());
  while (memcached_fetch_result(client.get(), result.get(), &rc) != nullptr) {
    found.insert_or_assign(
        std::string(memcached_result_key_value(result.get()),
                    memcached_result_key_length(result.get())),
        std::string(memcached_result_value(result.get()), memcached_result_length(result.get())));
  }
  rc = fetch_outcome(client.get(), rc);
  if (rc != MEMCACHED_SUCCESS) fail_multi(client, rc, keys);
  return found;
}

CasResult cas_result(ClientPool::Borrowed& client, memcached_return_t rc, std::string_view key) {
  switch (rc) {
    case MEMCACHED_SUCCESS:
    case MEMCACHED_STORED:
      return CasResult::kStored;
    case MEMCACHED_DATA_EXISTS:
      return CasResult::kChanged;
    case MEMCACHED_NOTFOUND:
      return CasResult::kAbsent;
    default:
      fail(client, rc, "cas", key);
  }
}

// Makes one request with "noreply" on `client`, then turns replies back on.
// Without a reply, success only means the request was sent.
template <typename Request>
void send_without_reply(ClientPool::Borrowed& client, const char* operation,
                        std::string_view key, Request request) {
  memcached_behavior_set(client.get(), MEMCACHED_BEHAVIOR_NOREPLY, 1);
  const memcached_return_t rc = request();
  memcached_behavior_set(client.get(), MEMCACHED_BEHAVIOR_NOREPLY, 0);
  if (rc != MEMCACHED_SUCCESS) fail(client, rc, operation, key);
}

std::uint64_t increment_with(ClientPool::Borrowed& client, bool binary_protocol,
                             std::string_view key, std::uint64_t delta, std::uint64_t initial) {
  std::uint64_t value = 0;
  if (binary_protocol) {
    const memcached_return_t rc = memcached_increment_with_initial(
        client.get(), key.data(), key.size(), delta, initial, 0, &value);
    if (rc != MEMCACHED_SUCCESS) fail(client, rc, "incr", key);
    return value;
  }
  // The ASCII protocol has no create-if-missing: incr, else add the initial
  // value, else (another client added it first) incr again.
  const std::string initial_text = std::to_string(initial);
  for (int round = 0; round < kIncrementRounds; ++round) {
    memcached_return_t rc = memcached_increment_by_key(client.get(), key.data(), key.size(),
                                                       key.data(), key.size(), delta, &value);
    if (rc == MEMCACHED_SUCCESS) return value;
    if (rc != MEMCACHED_NOTFOUND) fail(client, rc, "incr", key);
    rc = memcached_add(client.get(), key.data(), key.size(), initial_text.data(),
                       initial_text.size(), 0, 0);
    if (rc == MEMCACHED_SUCCESS) return initial;
    if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) fail(client, rc, "add", key);
  }
  client.tally().failed(client.get(), key, MEMCACHED_FAILURE);
  client.discard();
  throw StorageError(common::describe_server("memcached", server_of(client.get(), key)) +
                     ": counter '" + printable(key) + "' keeps vanishing");
}

// Counts a call on `key` as answered when it ends, unless it failed (fail()
// counts those, and discards the client).
class Answered {
 public:
  Answered(ClientPool::Borrowed& client, std::string_view key) : client_(client), key_(key) {}
  ~Answered() {
    if (!client_.discarded()) client_.tally().answered(client_.get(), key_);
  }
  Answered(const Answered&) = delete;
  Answered& operator=(const Answered&) = delete;

 private:
  ClientPool::Borrowed& client_;
  std::string_view key_;
};

}  // namespace

LibmemcachedDriver::LibmemcachedDriver(const LibmemcachedOptions& options)
    : pool_(options), binary_protocol_(options.binary_protocol) {}

std::optional<MemcachedItem> LibmemcachedDriver::get(std::string_view key) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  return get_with(client, key);
}

std::vector<std::optional<std::string>> LibmemcachedDriver::get_multi(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values(keys.size());
  if (keys.empty()) return values;
  auto client = pool_.borrow(keys);
  std::unordered_map<std::string, std::string> found = fetch_many(client, keys);
  client.tally().answered(client.get(), keys);
  // libmemcached's mget skips a server it cannot connect to and still
  // reports success, so a miss may hide a failure: ask each server with
  // misses again on its own, which fails if the server does.
  std::map<std::string, std::vector<std::string>> misses_by_server;
  for (const auto& key : keys) {
    if (!found.count(key)) misses_by_server[server_of(client.get(), key)].push_back(key);
  }
  for (const auto& [server, misses] : misses_by_server) found.merge(fetch_many(client, misses));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (auto it = found.find(keys[i]); it != found.end()) values[i] = it->second;
  }
  return values;
}

void LibmemcachedDriver::set(std::string_view key, std::string_view value, MemcachedExpiry expiry) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  const memcached_return_t rc =
      memcached_set(client.get(), key.data(), key.size(), value.data(), value.size(), expiry, 0);
  if (rc != MEMCACHED_SUCCESS) fail(client, rc, "set", key);
}

bool LibmemcachedDriver::add(std::string_view key, std::string_view value, MemcachedExpiry expiry) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  const memcached_return_t rc =
      memcached_add(client.get(), key.data(), key.size(), value.data(), value.size(), expiry, 0);
  if (rc == MEMCACHED_SUCCESS) return true;
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) return false;
  fail(client, rc, "add", key);
}

CasResult LibmemcachedDriver::cas_erase(std::string_view key, std::uint64_t cas) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  return cas_result(
      client, memcached_cas(client.get(), key.data(), key.size(), "", 0, kAlreadyExpired, 0, cas),
      key);
}

bool LibmemcachedDriver::erase(std::string_view key) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  const memcached_return_t rc = memcached_delete(client.get(), key.data(), key.size(), 0);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_DELETED) return true;
  if (rc == MEMCACHED_NOTFOUND) return false;
  fail(client, rc, "delete", key);
}

std::uint64_t LibmemcachedDriver::increment(std::string_view key, std::uint64_t delta,
                                            std::uint64_t initial) {
  auto client = pool_.borrow(key);
  Answered answered(client, key);
  return increment_with(client, binary_protocol_, key, delta, initial);
}

std::uint64_t LibmemcachedDriver::increment_with_affinity(std::string_view key,
                                                          std::uint64_t delta,
                                                          std::uint64_t initial,
                                                          std::string_view affinity_key) {
  auto client = pool_.borrow_for(affinity_key, key);
  Answered answered(client, key);
  return increment_with(client, binary_protocol_, key, delta, initial);
}

std::optional<MemcachedItem> LibmemcachedDriver::add_and_get(std::string_view key,
                                                             std::string_view value,
                                                             MemcachedExpiry expiry) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  send_without_reply(client, "add", key, [&] {
    return memcached_add(client.get(), key.data(), key.size(), value.data(), value.size(), expiry,
                         0);
  });
  return get_with(client, key);
}

void LibmemcachedDriver::cas_erase_without_reply(std::string_view key, std::uint64_t cas) {
  auto client = pool_.borrow_for(key);
  Answered answered(client, key);
  send_without_reply(client, "cas", key, [&] {
    return memcached_cas(client.get(), key.data(), key.size(), "", 0, kAlreadyExpired, 0, cas);
  });
}

std::vector<ServerStats> LibmemcachedDriver::server_stats() const { return pool_.tally().snapshot(); }

std::unique_ptr<MemcachedDriver> make_libmemcached_driver(const RegionConfig& config) {
  return std::make_unique<LibmemcachedDriver>(parse_libmemcached_options(config.backend_args));
}

}  // namespace regionkv::memcached
