#pragma once
// Applying transactions to a block's state, under Cancun rules with the L2's fee routing.
//
// Fees: a transaction pays gas_used * effective_gas_price, where the effective price is
// min(max_fee, base_fee + max_priority_fee). The priority part (effective - base) goes to the
// block's fee recipient (the sequencer), and the base part goes to the chain's base-fee vault
// instead of being burned as on Ethereum, so on this chain no value is ever created or destroyed:
// the sum of all balances is constant (tests check exactly that). Unused gas is refunded.
//
// Code runs on the project's EVM (the evm module) through the state module's Host: creations,
// calls into contracts and precompiles, under Cancun rules. Plain transfers to accounts without
// code skip the EVM, with the same result: nothing but the balances, the nonce and EIP-161's
// removal of a touched empty account can change.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/evm/evm.hpp"
#include "rollup/state/evm_host.hpp"
#include "rollup/state/state.hpp"
#include "rollup/types/header.hpp"
#include "rollup/types/receipt.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::execution {

// What the chain fixes once, from its genesis and configuration.
struct ChainConfig {
  std::uint64_t chain_id = 0;
  // Receives the base fee of every transaction. Absent: the base fee is burnt, as on Ethereum
  // (the conformance tests run that way).
  std::optional<Address> base_fee_vault;
  // EIP-1559: the gas target is gas_limit / elasticity, and the base fee moves by at most
  // 1/denominator per block. Ethereum's values are the defaults.
  std::uint64_t elasticity_multiplier = 2;
  std::uint64_t base_fee_change_denominator = 8;
  // EIP-4844 blob transactions. This L2 has no blob space and refuses them; Ethereum's rules (the
  // conformance tests) take them, with their blob gas priced at BlockEnv::blob_base_fee and burnt.
  bool blob_transactions = false;
};

// The block being built, as transactions see it.
struct BlockEnv {
  std::uint64_t number = 0;
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  uint256 base_fee;
  Address fee_recipient;  // the header's beneficiary; receives priority fees
  Hash prev_randao;
  // BLOBBASEFEE and the price of blob gas; this L2 has no blob space, so its blocks keep the
  // minimum, 1 wei.
  uint256 blob_base_fee = 1;
  // BLOCKHASH's source; without one, every earlier block's hash reads as zero.
  state::BlockHashes block_hashes;
};

// EIP-1559: the base fee of the block after `parent` (which must carry a base fee).
[[nodiscard]] uint256 next_base_fee(const types::Header& parent, const ChainConfig& config);

// min(max_fee, base_fee + max_priority_fee); the caller has checked max_fee >= base_fee.
[[nodiscard]] uint256 effective_gas_price(const types::Transaction& txn, const uint256& base_fee);

// Whether an error from apply_transaction (or BlockBuilder::add) is the transaction's fault (it
// is invalid here and now, and the block goes on without it) rather than the node's (a failed
// state read, which must abort the block).
[[nodiscard]] bool is_transaction_fault(const Error& error);

// The outcome of an applied transaction.
struct Applied {
  std::uint64_t gas_used = 0;  // after the refund
  evm::Status status = evm::Status::success;
  std::vector<types::Log> logs;
  Bytes output;  // the return data, or the revert data
  [[nodiscard]] bool success() const noexcept { return status == evm::Status::success; }
};

// Validates `txn` (sent by `sender`, already recovered) against the state and the block, then
// applies it. `gas_available` is what is left of the block's gas limit. On an error nothing has
// been changed.
[[nodiscard]] Result<Applied> apply_transaction(state::BlockState& state, const ChainConfig& config,
                                                const BlockEnv& env, const types::Transaction& txn,
                                                const Address& sender, std::uint64_t gas_available);

// A call that is not a transaction (eth_call, eth_estimateGas): no signature, no nonce check and
// no check that the sender is an account without code, as geth runs them. Fees are charged only at
// a non-zero gas price; the caller then passes a BlockEnv whose base fee is the block's, and
// otherwise one whose base fee is zero (geth's rule, so a call priced at zero passes the fee check
// and BASEFEE reads zero).
struct CallRequest {
  Address from;  // the zero address when the request names none
  std::optional<Address> to;
  std::uint64_t gas = 0;
  uint256 gas_price;
  uint256 value;
  Bytes data;
  types::AccessList access_list;
  // Ends a call that runs too long: once it answers true the call fails with
  // evm::Errc::interrupted (see evm::Vm::set_stop_check). May be empty.
  std::function<bool()> should_stop;
};

// Runs `call` on `state`, which keeps its effects (callers run it on a throwaway overlay). Errors
// are geth's for calls: intrinsic gas, initcode size, fee below the base fee, insufficient funds
// ("insufficient funds for gas * price + value: address A have B want C"), or a node failure.
[[nodiscard]] Result<Applied> simulate_call(state::BlockState& state, const ChainConfig& config,
                                            const BlockEnv& env, const CallRequest& call);

// What a built block holds, everything its header needs but the state root.
struct BuiltBlock {
  std::vector<types::Transaction> transactions;
  std::vector<types::Receipt> receipts;
  state::StateDiff diff;
  Hash transactions_root;
  Hash receipts_root;
  types::Bloom logs_bloom;
  std::uint64_t gas_used = 0;
};

// Builds one block: transactions are added one by one (each either applied whole or refused with
// no effect), then finish() gives what the header needs and the state diff to commit.
class BlockBuilder {
 public:
  // `base` is the parent's state and must outlive the builder.
  BlockBuilder(const state::StateView& base, const ChainConfig& config, const BlockEnv& env);

  // Applies and includes the transaction, or refuses it and leaves the block as it was.
  [[nodiscard]] Result<void> add(const types::Transaction& txn, const Address& sender);
  // Writes `edits` into the block's state before its first transaction: state changed outside
  // transactions, which only the devnet's cheat methods do (state::BlockState::apply).
  [[nodiscard]] Result<void> apply_edits(const state::StateDiff& edits);

  [[nodiscard]] std::uint64_t gas_used() const noexcept { return m_gas_used; }
  [[nodiscard]] std::uint64_t gas_left() const noexcept { return m_env.gas_limit - m_gas_used; }
  [[nodiscard]] std::size_t size() const noexcept { return m_transactions.size(); }
  [[nodiscard]] const state::BlockState& state() const noexcept { return m_state; }

  // The block's contents and state changes. The builder is spent afterwards.
  [[nodiscard]] Result<BuiltBlock> finish();

 private:
  state::BlockState m_state;
  const ChainConfig& m_config;
  BlockEnv m_env;
  std::uint64_t m_gas_used = 0;
  std::vector<types::Transaction> m_transactions;
  std::vector<types::Receipt> m_receipts;
};

// The header of a built block on top of `parent`; the state root comes from the state commit.
[[nodiscard]] types::Header make_header(const types::Header& parent, const BlockEnv& env,
                                        const BuiltBlock& block, const Hash& state_root,
                                        ByteView extra_data);

}  // namespace rollup::execution
