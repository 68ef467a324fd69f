#pragma once
// Log filters as eth_getLogs, eth_newFilter and the `logs` subscription take them: a block range
// (or one block hash), a set of addresses, and up to four topic positions, each either a wildcard
// or a set of alternatives. A log matches when its address is in the set (or the set is empty) and
// each constrained topic position holds one of its alternatives.

#include <optional>
#include <vector>

#include "rollup/rpc/codec.hpp"
#include "rollup/types/receipt.hpp"

namespace rollup::rpc {

struct LogFilter {
  std::optional<BlockId> from;  // absent: latest
  std::optional<BlockId> to;    // absent: latest
  std::optional<Hash> block_hash;
  std::vector<Address> addresses;         // empty: any address
  std::vector<std::vector<Hash>> topics;  // position -> alternatives; empty: any topic there
};

// geth's limits on a filter's size.
inline constexpr std::size_t k_max_filter_addresses = 1000;
inline constexpr std::size_t k_max_filter_topics = 4;
inline constexpr std::size_t k_max_topic_alternatives = 1000;

// {fromBlock, toBlock, blockHash, address, topics}, with geth's rules and messages.
[[nodiscard]] Result<LogFilter> decode_log_filter(const Json& v);

[[nodiscard]] bool matches(const LogFilter& filter, const types::Log& log);
// False when the bloom proves no log under it can match (blooms may say yes wrongly, never no).
[[nodiscard]] bool may_match(const LogFilter& filter, const types::Bloom& bloom);

}  // namespace rollup::rpc
