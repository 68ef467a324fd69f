#pragma once
// The state commitment: the secure account trie (key keccak256(address), value rlp(account)) and
// one secure storage trie per account (key keccak256(slot), value rlp(word)). StateTrie keeps the
// account trie of the head in memory between blocks, so applying a block's diff rehashes only the
// paths it changed; storage tries are opened per block at their stored roots.

#include <vector>

#include "rollup/state/state.hpp"
#include "rollup/trie/trie.hpp"

namespace rollup::state {

// The account trie key of an address and the storage trie key of a slot.
[[nodiscard]] Hash account_key(const Address& address);
[[nodiscard]] Hash storage_key(const Hash& slot);
// rlp(word) without leading zeros, the storage trie's value encoding; empty for zero.
[[nodiscard]] Bytes encode_storage_value(const uint256& value);

// What applying a diff produced: the new root, the accounts as stored (storage roots filled in, in
// the diff's order; nullopt for deleted ones), the same accounts as they were before the diff (read
// once here, so the writer's history record needs no second read), and the trie nodes to write.
struct StateUpdate {
  Hash state_root;
  std::vector<std::optional<Account>> accounts;
  std::vector<std::optional<Account>> previous;
  std::vector<trie::NodeWrite> nodes;
};

class StateTrie {
 public:
  // `nodes` must outlive this object and hold every node of `root`.
  StateTrie(const trie::NodeStore& nodes, const Hash& root);

  [[nodiscard]] const Hash& root() const noexcept { return m_root; }

  // Applies `diff` on top of the current root. `old_account` gives each changed account's value
  // before the diff (the storage root to start its storage trie from). On error nothing is applied.
  [[nodiscard]] Result<StateUpdate> apply(const StateDiff& diff, const StateView& before);

  // Forgets in-memory nodes and reopens at `root` (after a failed commit, or a rewind).
  void reset(const Hash& root);

  // Keeps only the top of the account trie in memory (about 16^depth nodes).
  void trim(std::size_t depth) { m_accounts.unload(depth); }

 private:
  const trie::NodeStore& m_nodes;
  trie::Trie m_accounts;
  Hash m_root;
};

}  // namespace rollup::state
