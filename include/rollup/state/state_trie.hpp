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
// from the account trie on the way, so the writer's history record needs no second read), and the
// trie nodes to write.
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

  // Applies `diff` on top of the current root. Each changed account's previous value (and so the
  // storage root its storage trie starts from) is read from the account trie itself: the trie is
  // the commitment, so nothing else has to agree with it, and the read warms the very path the
  // update then rewrites. On error nothing is applied.
  [[nodiscard]] Result<StateUpdate> apply(const StateDiff& diff);

  // Forgets in-memory nodes and reopens at `root` (after a failed commit, or a rewind).
  void reset(const Hash& root);

  // Keeps only the top of the account trie in memory (about 16^depth nodes).
  void trim(std::size_t depth) { m_accounts.unload(depth); }

 private:
  // One account of apply(): its storage trie, then its entry in the account trie. `slots` and
  // `slot_keys` are scratch space shared by the whole diff.
  Result<void> apply_account(const AccountDiff& change, const Hash& key,
                             const std::optional<Account>& old, StateUpdate& update,
                             std::vector<ByteView>& slots, std::vector<Hash>& slot_keys);

  const trie::NodeStore& m_nodes;
  trie::Trie m_accounts;
  Hash m_root;
};

}  // namespace rollup::state
