#include "rollup/state/state_trie.hpp"

#include "rollup/base/hex.hpp"
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

Result<void> StateTrie::apply_account(const AccountDiff& change, const Hash& key,
                                      const std::optional<Account>& old, StateUpdate& update,
                                      std::vector<ByteView>& slots, std::vector<Hash>& slot_keys) {
  if (!change.account) {
    ROLLUP_TRY_VOID(m_accounts.erase(key.view()));
    update.accounts.emplace_back(std::nullopt);
    return {};
  }
  Account account = *change.account;
  const Hash start = change.storage_cleared || !old ? trie::k_empty_root : old->storage_root;
  if (change.storage.empty()) {
    account.storage_root = start;
  } else {
    slots.clear();
    for (const StorageWrite& write : change.storage) slots.push_back(write.slot.view());
    slot_keys.resize(slots.size());
    crypto::keccak256_many(slots, slot_keys);
    trie::Trie storage(&m_nodes, start);
    for (std::size_t k = 0; k < slots.size(); ++k) {
      ROLLUP_TRY_VOID(
          storage.put(slot_keys[k].view(), encode_storage_value(change.storage[k].value)));
    }
    account.storage_root = storage.commit(update.nodes);
  }
  ROLLUP_TRY_VOID(m_accounts.put(key.view(), types::encode_account(account)));
  update.accounts.emplace_back(account);
  return {};
}

Result<StateUpdate> StateTrie::apply(const StateDiff& diff) {
  StateUpdate update;
  const std::size_t n = diff.accounts.size();
  update.accounts.reserve(n);
  update.previous.reserve(n);
  // The trie keys of every changed account, hashed together (keccak256_many runs several at once).
  std::vector<ByteView> addresses;
  addresses.reserve(n);
  for (const AccountDiff& change : diff.accounts) addresses.push_back(change.address.view());
  std::vector<Hash> keys(n);
  crypto::keccak256_many(addresses, keys);
  std::vector<ByteView> slots;
  std::vector<Hash> slot_keys;
  std::vector<ByteView> chunk_keys;
  std::vector<std::optional<ByteView>> stored;
  auto result = [&]() -> Result<void> {
    // The previous accounts of a chunk are read together (their trie walks overlap), then the
    // chunk is written while the paths it read are still in the cache.
    constexpr std::size_t k_chunk = 64;
    for (std::size_t first = 0; first < n; first += k_chunk) {
      const std::size_t last = std::min(n, first + k_chunk);
      chunk_keys.clear();
      for (std::size_t i = first; i < last; ++i) chunk_keys.push_back(keys[i].view());
      ROLLUP_TRY_VOID(m_accounts.get_many(chunk_keys, stored));
      // Decoded before the first write of the chunk, which may move the values viewed.
      for (std::size_t i = first; i < last; ++i) {
        std::optional<Account> old;
        if (const auto& value = stored[i - first]) {
          auto decoded = types::decode_account(*value);
          if (!decoded) {
            return fail(Errc::corrupt_state, "account trie value of " +
                                                 hex::encode(diff.accounts[i].address.view()) +
                                                 ": " + decoded.error().message());
          }
          old = *decoded;
        }
        update.previous.push_back(old);
      }
      for (std::size_t i = first; i < last; ++i) {
        ROLLUP_TRY_VOID(
            apply_account(diff.accounts[i], keys[i], update.previous[i], update, slots, slot_keys));
      }
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
