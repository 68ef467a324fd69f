#pragma once
// The EVM's Host over a block's overlay: the EVM reads and writes accounts, storage and code of
// the block being built through it, and its snapshots are the overlay's journal positions.

#include <functional>

#include "rollup/evm/host.hpp"
#include "rollup/state/state.hpp"

namespace rollup::state {

// The hash of an earlier block by number; the EVM asks only for the 256 before the current one.
using BlockHashes = std::function<Result<Hash>(std::uint64_t number)>;

class EvmHost final : public evm::Host {
 public:
  EvmHost(BlockState& state, BlockHashes block_hashes)
      : m_state(state), m_block_hashes(std::move(block_hashes)) {}

  Result<std::optional<evm::AccountState>> account(const Address& address) override;
  Result<Bytes> code(const Address& address) override;
  Result<uint256> storage(const Address& address, const Hash& slot) override;
  Result<bool> has_storage(const Address& address) override;
  Result<Hash> block_hash(std::uint64_t number) override;

  Result<void> set_storage(const Address& address, const Hash& slot, const uint256& value) override;
  Result<void> set_balance(const Address& address, const uint256& balance) override;
  Result<void> set_nonce(const Address& address, std::uint64_t nonce) override;
  Result<void> set_code(const Address& address, Bytes code) override;
  Result<void> create_account(const Address& address) override;
  Result<void> destroy_account(const Address& address) override;

  std::size_t snapshot() override { return m_state.snapshot(); }
  void revert_to(std::size_t snapshot) override { m_state.revert_to(snapshot); }

 private:
  BlockState& m_state;
  BlockHashes m_block_hashes;
};

}  // namespace rollup::state
