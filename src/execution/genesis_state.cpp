#include "rollup/execution/genesis_state.hpp"

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/state/state_trie.hpp"

namespace rollup::execution {

state::StateDiff genesis_state(const Genesis& genesis) {
  state::StateDiff diff;
  diff.accounts.reserve(genesis.alloc.size());
  for (const GenesisAccount& a : genesis.alloc) {
    state::AccountDiff d;
    d.address = a.address;
    state::Account account;
    account.nonce = a.nonce;
    account.balance = a.balance;
    if (!a.code.empty()) {
      account.code_hash = crypto::keccak256(a.code);
      d.code = a.code;
    }
    d.account = account;
    for (const auto& [slot, value] : a.storage) {
      d.storage.push_back({slot, uint256::from_be(value.view())});
    }
    diff.accounts.push_back(std::move(d));
  }
  return diff;
}

Hash genesis_state_root(const state::StateDiff& alloc) {
  trie::MemoryNodeStore nodes;
  state::StateTrie trie(nodes, trie::k_empty_root);
  auto update = trie.apply(alloc);
  // An in-memory trie over an empty base cannot miss a node.
  ROLLUP_ASSERT(update.has_value());
  return update->state_root;
}

}  // namespace rollup::execution
