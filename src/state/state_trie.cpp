#include "rollup/state/state_trie.hpp"

#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::state {

Hash account_key(const Address& address) {
  return crypto::keccak256(address.view());
}
Hash storage_key(const Hash& slot) {
  return crypto::keccak256(slot.view());
}

Bytes encode_storage_value(const uint256& value) {
  if (value == uint256{}) return {};
  rlp::Encoder enc(33);
  enc.add_u256(value);
  return enc.take();
}

StateTrie::StateTrie(const trie::NodeStore& nodes, const Hash& root)
    : m_nodes(nodes), m_accounts(&nodes, root), m_root(root) {}

void StateTrie::reset(const Hash& root) {
  m_accounts = trie::Trie(&m_nodes, root);
  m_root = root;
}

Result<StateUpdate> StateTrie::apply(const StateDiff& diff, const StateView& before) {
  StateUpdate update;
  update.accounts.reserve(diff.accounts.size());
  update.previous.reserve(diff.accounts.size());
  auto result = [&]() -> Result<void> {
    for (const AccountDiff& change : diff.accounts) {
      const Hash key = account_key(change.address);
      ROLLUP_TRY(std::optional<Account> old, before.account(change.address));
      update.previous.push_back(old);
      if (!change.account) {
        ROLLUP_TRY_VOID(m_accounts.erase(key.view()));
        update.accounts.emplace_back(std::nullopt);
        continue;
      }
      Account account = *change.account;
      const Hash start = change.storage_cleared || !old ? trie::k_empty_root : old->storage_root;
      if (change.storage.empty()) {
        account.storage_root = start;
      } else {
        trie::Trie storage(&m_nodes, start);
        for (const StorageWrite& write : change.storage) {
          ROLLUP_TRY_VOID(
              storage.put(storage_key(write.slot).view(), encode_storage_value(write.value)));
        }
        account.storage_root = storage.commit(update.nodes);
      }
      ROLLUP_TRY_VOID(m_accounts.put(key.view(), types::encode_account(account)));
      update.accounts.emplace_back(account);
    }
    return {};
  }();
  if (!result) {
    reset(m_root);
    return fail(std::move(result).error());
  }
  update.state_root = m_accounts.commit(update.nodes);
  m_root = update.state_root;
  return update;
}

}  // namespace rollup::state
