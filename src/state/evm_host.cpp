#include "rollup/state/evm_host.hpp"

namespace rollup::state {

Result<std::optional<evm::AccountState>> EvmHost::account(const Address& address) {
  ROLLUP_TRY(std::optional<Account> found, m_state.account(address));
  if (!found) return std::optional<evm::AccountState>{};
  return evm::AccountState{found->nonce, found->balance, found->code_hash};
}

Result<Bytes> EvmHost::code(const Address& address) {
  ROLLUP_TRY(std::optional<Account> found, m_state.account(address));
  if (!found || found->code_hash == types::k_empty_code_hash) return Bytes{};
  return m_state.code(found->code_hash);
}

Result<uint256> EvmHost::storage(const Address& address, const Hash& slot) {
  return m_state.storage(address, slot);
}

Result<bool> EvmHost::has_storage(const Address& address) {
  return m_state.has_storage(address);
}

Result<Hash> EvmHost::block_hash(std::uint64_t number) {
  return m_block_hashes(number);
}

Result<void> EvmHost::set_storage(const Address& address, const Hash& slot, const uint256& value) {
  return m_state.set_storage(address, slot, value);
}

Result<void> EvmHost::set_balance(const Address& address, const uint256& balance) {
  return m_state.set_balance(address, balance);
}

Result<void> EvmHost::set_nonce(const Address& address, std::uint64_t nonce) {
  return m_state.set_nonce(address, nonce);
}

Result<void> EvmHost::set_code(const Address& address, Bytes code) {
  return m_state.set_code(address, std::move(code));
}

Result<void> EvmHost::create_account(const Address& address) {
  return m_state.create_account(address);
}

Result<void> EvmHost::destroy_account(const Address& address) {
  return m_state.destroy_account(address);
}

}  // namespace rollup::state
