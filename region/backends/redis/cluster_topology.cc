#include "region/backends/redis/cluster_topology.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "region/backends/redis/reply.h"
#include "regionkv/errors.h"

namespace regionkv::redis {
namespace {

[[noreturn]] void malformed(const ServerAddress& node, const std::string& what) {
  throw StorageError(describe_server(node) + ": CLUSTER SLOTS answered " + what);
}

// Nodes the cluster does not know an endpoint for are announced as "" or
// "?"; they are reached at the host that gave the answer.
std::string host_or(std::string_view host, const ServerAddress& answered_by) {
  return host.empty() || host == "?" ? answered_by.host : std::string(host);
}

bool parse_number(std::string_view text, long long& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

SlotMap SlotMap::from_cluster_slots(const redisReply& reply, const ServerAddress& answered_by) {
  if (reply.type != REDIS_REPLY_ARRAY) malformed(answered_by, "something other than an array");
  SlotMap map;
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    // [first slot, last slot, [master host, port, id, ...], replicas...]
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 ||
        range.element[0]->type != REDIS_REPLY_INTEGER ||
        range.element[1]->type != REDIS_REPLY_INTEGER ||
        range.element[2]->type != REDIS_REPLY_ARRAY || range.element[2]->elements < 2 ||
        range.element[2]->element[0]->type != REDIS_REPLY_STRING ||
        range.element[2]->element[1]->type != REDIS_REPLY_INTEGER)
      malformed(answered_by, "a slot range it cannot read");
    const long long first = range.element[0]->integer;
    const long long last = range.element[1]->integer;
    const long long port = range.element[2]->element[1]->integer;
    if (first < 0 || last >= kSlotCount || first > last || port < 1 || port > 65535)
      malformed(answered_by, "slots " + std::to_string(first) + "-" + std::to_string(last) +
                                 " on port " + std::to_string(port));
    const ServerAddress master{host_or(reply_text(*range.element[2]->element[0]), answered_by),
                               static_cast<std::uint16_t>(port)};
    const std::uint16_t index = map.index_of(master);
    std::fill(map.owner_.begin() + first, map.owner_.begin() + last + 1, index);
  }
  return map;
}

std::uint16_t SlotMap::index_of(const ServerAddress& master) {
  const auto it = std::find(nodes_.begin(), nodes_.end(), master);
  if (it != nodes_.end()) return static_cast<std::uint16_t>(it - nodes_.begin());
  nodes_.push_back(master);
  return static_cast<std::uint16_t>(nodes_.size() - 1);
}

const ServerAddress* SlotMap::master_of(std::uint16_t slot) const {
  const std::uint16_t index = owner_[slot % kSlotCount];
  return index == kNoMaster ? nullptr : &nodes_[index];
}

void SlotMap::assign(std::uint16_t slot, const ServerAddress& master) {
  owner_[slot % kSlotCount] = index_of(master);
}

std::vector<ServerAddress> SlotMap::masters() const {
  std::vector<bool> serving(nodes_.size(), false);
  for (const std::uint16_t index : owner_) {
    if (index != kNoMaster) serving[index] = true;
  }
  std::vector<ServerAddress> masters;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (serving[i]) masters.push_back(nodes_[i]);
  }
  return masters;
}

std::optional<Redirection> redirection_in(const redisReply& reply,
                                          const ServerAddress& answered_by) {
  Redirection redirection{};
  std::string_view rest = reply_text(reply);
  if (is_error_code(reply, "MOVED")) {
    redirection.kind = Redirection::Kind::kMoved;
    rest.remove_prefix(6);
  } else if (is_error_code(reply, "ASK")) {
    redirection.kind = Redirection::Kind::kAsk;
    rest.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  // "<slot> <host>:<port>"
  const auto space = rest.find(' ');
  const auto colon = rest.rfind(':');
  long long slot = 0;
  long long port = 0;
  if (space == std::string_view::npos || colon == std::string_view::npos || colon < space ||
      !parse_number(rest.substr(0, space), slot) || !parse_number(rest.substr(colon + 1), port) ||
      slot < 0 || slot >= kSlotCount || port < 1 || port > 65535)
    return std::nullopt;
  std::string_view host = rest.substr(space + 1, colon - space - 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  redirection.slot = static_cast<std::uint16_t>(slot);
  redirection.target = {host_or(host, answered_by), static_cast<std::uint16_t>(port)};
  return redirection;
}

}  // namespace regionkv::redis
