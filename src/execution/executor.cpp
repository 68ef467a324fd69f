#include "rollup/execution/executor.hpp"

#include <algorithm>

#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/evm/precompiles.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/trie/trie.hpp"
#include "rollup/types/account.hpp"

namespace rollup::execution {

uint256 next_base_fee(const types::Header& parent, const ChainConfig& config) {
  ROLLUP_ASSERT(parent.base_fee_per_gas.has_value());
  const uint256& base = *parent.base_fee_per_gas;
  const std::uint64_t target =
      parent.gas_limit / std::max<std::uint64_t>(config.elasticity_multiplier, 1);
  // A gas limit below the elasticity has no target to compare with; the fee stays.
  if (target == 0 || parent.gas_used == target) return base;
  const uint256 denominator(std::max<std::uint64_t>(config.base_fee_change_denominator, 1));
  if (parent.gas_used > target) {
    const uint256 delta = base * uint256(parent.gas_used - target) / uint256(target) / denominator;
    // At least 1 wei up, so a zero or tiny base fee still rises under load.
    return base + std::max(delta, uint256(1));
  }
  const uint256 delta = base * uint256(target - parent.gas_used) / uint256(target) / denominator;
  return base - delta;  // delta <= base / denominator, so this never goes below zero
}

bool is_transaction_fault(const Error& error) {
  const std::error_code& code = error.code();
  if (code.category() == make_error_code(types::Errc::wrong_chain_id).category()) return true;
  if (code.category() != make_error_code(Errc::nonce_too_low).category()) return false;
  // The execution codes from nonce_too_low on describe transactions; the others, genesis files.
  return code.value() >= static_cast<int>(Errc::nonce_too_low);
}

uint256 effective_gas_price(const types::Transaction& txn, const uint256& base_fee) {
  const uint256 with_tip = base_fee + txn.max_priority_fee_per_gas;
  return std::min(txn.max_fee_per_gas, with_tip);
}

namespace {

std::string address_hex(const Address& a) {
  return hex::encode(a.view());
}

// EIP-4844: 2^17 blob gas per blob.
std::uint64_t blob_gas(const types::Transaction& txn) {
  return 131072 * txn.blob_versioned_hashes.size();
}

// The checks against the block and the sender's account, in geth's order, before anything changes.
Result<types::Account> check_against_state(const state::BlockState& state,
                                           const ChainConfig& config, const BlockEnv& env,
                                           const types::Transaction& txn, const Address& sender,
                                           std::uint64_t gas_available) {
  if (txn.type == types::TxType::blob && !config.blob_transactions) {
    return fail(types::Errc::blob_tx_unsupported);
  }
  ROLLUP_TRY_VOID(types::check_transaction(txn, config.chain_id));
  if (txn.type == types::TxType::blob && txn.max_fee_per_blob_gas < env.blob_base_fee) {
    return fail(Errc::blob_fee_cap_too_low, "address " + address_hex(sender) + " blobGasFeeCap: " +
                                                to_string(txn.max_fee_per_blob_gas) +
                                                ", blobBaseFee: " + to_string(env.blob_base_fee));
  }
  if (txn.gas_limit > env.gas_limit) {
    return fail(Errc::exceeds_block_gas_limit, "gas " + std::to_string(txn.gas_limit) +
                                                   ", block gas limit " +
                                                   std::to_string(env.gas_limit));
  }
  if (txn.gas_limit > gas_available) {
    return fail(Errc::block_gas_exhausted,
                "gas " + std::to_string(txn.gas_limit) + ", left " + std::to_string(gas_available));
  }
  if (txn.max_fee_per_gas < env.base_fee) {
    return fail(Errc::fee_cap_below_base_fee,
                "address " + address_hex(sender) + ", maxFeePerGas: " +
                    to_string(txn.max_fee_per_gas) + ", baseFee: " + to_string(env.base_fee));
  }
  ROLLUP_TRY(std::optional<types::Account> found, state.account(sender));
  const types::Account account = found.value_or(types::Account{});
  if (txn.nonce < account.nonce) {
    return fail(Errc::nonce_too_low, "next nonce " + std::to_string(account.nonce) + ", tx nonce " +
                                         std::to_string(txn.nonce));
  }
  if (txn.nonce > account.nonce) {
    return fail(Errc::nonce_too_high, "next nonce " + std::to_string(account.nonce) +
                                          ", tx nonce " + std::to_string(txn.nonce));
  }
  if (account.code_hash != types::k_empty_code_hash) {
    return fail(Errc::sender_not_eoa, "address " + address_hex(sender) +
                                          ", codehash: " + hex::encode(account.code_hash.view()));
  }
  // check_transaction has ruled out an overflow of gas_limit * max_fee; the value can still push
  // the sum past 2^256, which no balance covers.
  uint256 cost;
  bool overflow = add_overflow(uint256(txn.gas_limit) * txn.max_fee_per_gas, txn.value, cost);
  if (!overflow && txn.type == types::TxType::blob) {
    uint256 blob_cost;
    overflow = mul_overflow(uint256(blob_gas(txn)), txn.max_fee_per_blob_gas, blob_cost) ||
               add_overflow(cost, blob_cost, cost);
  }
  if (overflow || account.balance < cost) {
    const std::string shown = overflow ? "more than 2^256" : to_string(cost);
    const std::string overshot = overflow ? "more than 2^256" : to_string(cost - account.balance);
    return fail(Errc::insufficient_funds, "balance " + to_string(account.balance) + ", tx cost " +
                                              shown + ", overshot " + overshot);
  }
  return account;
}

// What execute() runs: a validated transaction, or an eth_call request.
struct Run {
  Address sender;
  std::uint64_t nonce = 0;  // the sender's, before this run
  std::optional<Address> to;
  std::uint64_t gas_limit = 0;
  std::uint64_t intrinsic = 0;
  uint256 price;     // the effective gas price
  uint256 blob_fee;  // blob gas times the blob base fee, paid up front
  uint256 value;
  ByteView data;
  const types::AccessList* access_list = nullptr;
  std::span<const Hash> blob_hashes;
  const std::function<bool()>* should_stop = nullptr;
};

// Whether the run must go through the EVM: a creation, a call into code or a precompile, or an
// access list (which warms slots and charges for them, and only matters there).
Result<bool> needs_evm(const state::BlockState& state, const Run& run) {
  if (!run.to || !run.access_list->empty() || evm::is_precompile(*run.to)) return true;
  ROLLUP_TRY(std::optional<types::Account> target, state.account(*run.to));
  return target && target->code_hash != types::k_empty_code_hash;
}

bool is_empty(const types::Account& a) {
  return a.nonce == 0 && a.balance.is_zero() && a.code_hash == types::k_empty_code_hash;
}

// EIP-161: an account a transaction touched and left empty is removed.
Result<void> remove_if_empty(state::BlockState& state, const Address& address) {
  ROLLUP_TRY(std::optional<types::Account> account, state.account(address));
  if (account && is_empty(*account)) ROLLUP_TRY_VOID(state.destroy_account(address));
  return {};
}

std::vector<types::Log> to_types_logs(std::vector<evm::Log>&& logs) {
  std::vector<types::Log> out;
  out.reserve(logs.size());
  for (evm::Log& log : logs) {
    out.push_back(types::Log{log.address, std::move(log.topics), std::move(log.data)});
  }
  return out;
}

// The state changes of an accepted run; on error the caller reverts them.
Result<Applied> execute(state::BlockState& state, const ChainConfig& config, const BlockEnv& env,
                        const Run& run) {
  ROLLUP_TRY_VOID(state.sub_balance(run.sender, uint256(run.gas_limit) * run.price));
  // Blob gas is paid up front at the block's blob base fee and burnt, whatever the outcome.
  if (run.blob_fee) ROLLUP_TRY_VOID(state.sub_balance(run.sender, run.blob_fee));
  ROLLUP_TRY_VOID(state.set_nonce(run.sender, run.nonce + 1));
  ROLLUP_TRY(const bool code, needs_evm(state, run));
  Applied applied;
  std::optional<evm::Vm> vm;
  std::optional<state::EvmHost> host;
  if (code) {
    host.emplace(
        state,
        env.block_hashes ? env.block_hashes : [](std::uint64_t) -> Result<Hash> { return Hash{}; });
    evm::BlockContext block{env.number,      env.timestamp, env.gas_limit,     env.fee_recipient,
                            env.prev_randao, env.base_fee,  env.blob_base_fee, config.chain_id};
    vm.emplace(*host, block, evm::TxContext{run.sender, run.price, run.blob_hashes});
    if (run.should_stop != nullptr && *run.should_stop) vm->set_stop_check(*run.should_stop);
    evm::TxMessage message;
    message.caller = run.sender;
    message.to = run.to;
    if (!run.to) message.create_address = evm::create_address(run.sender, run.nonce);
    message.value = run.value;
    message.data = run.data;
    message.gas = static_cast<std::int64_t>(run.gas_limit - run.intrinsic);
    // EIP-2929 and EIP-3651: what starts warm.
    vm->warm_account(run.sender);
    vm->warm_account(run.to ? *run.to : message.create_address);
    vm->warm_account(env.fee_recipient);
    for (std::uint8_t i = 1; i <= evm::k_last_precompile; ++i) {
      Address precompile;
      precompile.bytes[19] = i;
      vm->warm_account(precompile);
    }
    for (const types::AccessListEntry& entry : *run.access_list) {
      vm->warm_account(entry.address);
      for (const Hash& slot : entry.storage_keys) vm->warm_slot(entry.address, slot);
    }
    ROLLUP_TRY(evm::TxResult result, vm->run(message));
    ROLLUP_ASSERT(result.gas_left >= 0 && result.gas_left <= message.gas);
    const std::uint64_t used = run.gas_limit - static_cast<std::uint64_t>(result.gas_left);
    // EIP-3529: refunds are capped at a fifth of the gas used.
    const auto refund = static_cast<std::uint64_t>(std::max<std::int64_t>(result.gas_refund, 0));
    applied.gas_used = used - std::min(refund, used / 5);
    applied.status = result.status;
    applied.logs = to_types_logs(std::move(result.logs));
    applied.output = std::move(result.output);
  } else {
    if (run.value) {
      ROLLUP_TRY_VOID(state.sub_balance(run.sender, run.value));
      ROLLUP_TRY_VOID(state.add_balance(*run.to, run.value));
    }
    applied.gas_used = run.intrinsic;
  }
  // Zero amounts are not credited: crediting would create an empty account where none was.
  const uint256 unused = uint256(run.gas_limit - applied.gas_used) * run.price;
  if (unused) ROLLUP_TRY_VOID(state.add_balance(run.sender, unused));
  // A price below the base fee happens only for calls priced at zero, whose BlockEnv carries a
  // zero base fee (eth_call); a transaction's price is never below it.
  const uint256 tip =
      run.price > env.base_fee ? uint256(applied.gas_used) * (run.price - env.base_fee) : uint256{};
  if (tip) {
    ROLLUP_TRY_VOID(state.add_balance(env.fee_recipient, tip));
  } else {
    ROLLUP_TRY_VOID(remove_if_empty(state, env.fee_recipient));  // touched by the zero fee
  }
  const uint256 base = uint256(applied.gas_used) * std::min(env.base_fee, run.price);
  if (base && config.base_fee_vault) {
    ROLLUP_TRY_VOID(state.add_balance(*config.base_fee_vault, base));
  }
  if (vm) {
    ROLLUP_TRY_VOID(vm->finish());
  } else {
    ROLLUP_TRY_VOID(remove_if_empty(state, *run.to));
  }
  return applied;
}

}  // namespace

Result<Applied> apply_transaction(state::BlockState& state, const ChainConfig& config,
                                  const BlockEnv& env, const types::Transaction& txn,
                                  const Address& sender, std::uint64_t gas_available) {
  ROLLUP_TRY(types::Account account,
             check_against_state(state, config, env, txn, sender, gas_available));
  Run run;
  run.sender = sender;
  run.nonce = account.nonce;
  run.to = txn.to;
  run.gas_limit = txn.gas_limit;
  run.intrinsic = types::intrinsic_gas(txn);
  run.price = effective_gas_price(txn, env.base_fee);
  if (txn.type == types::TxType::blob) run.blob_fee = uint256(blob_gas(txn)) * env.blob_base_fee;
  run.value = txn.value;
  run.data = txn.data;
  run.access_list = &txn.access_list;
  run.blob_hashes = txn.blob_versioned_hashes;
  const std::size_t snapshot = state.snapshot();
  auto applied = execute(state, config, env, run);
  if (!applied) state.revert_to(snapshot);
  return applied;
}

Result<Applied> simulate_call(state::BlockState& state, const ChainConfig& config,
                              const BlockEnv& env, const CallRequest& call) {
  types::Transaction shape;  // for the intrinsic gas, which depends on these fields only
  shape.to = call.to;
  shape.data = call.data;
  shape.access_list = call.access_list;
  const std::uint64_t intrinsic = types::intrinsic_gas(shape);
  if (call.gas < intrinsic) {
    return fail(types::Errc::intrinsic_gas_too_low,
                "have " + std::to_string(call.gas) + ", want " + std::to_string(intrinsic));
  }
  if (!call.to && call.data.size() > types::k_max_initcode_size) {
    return fail(types::Errc::initcode_too_large, "code size " + std::to_string(call.data.size()) +
                                                     ", limit " +
                                                     std::to_string(types::k_max_initcode_size));
  }
  if (!call.gas_price.is_zero() && call.gas_price < env.base_fee) {
    return fail(Errc::fee_cap_below_base_fee, "address " + address_hex(call.from) +
                                                  ", maxFeePerGas: " + to_string(call.gas_price) +
                                                  ", baseFee: " + to_string(env.base_fee));
  }
  ROLLUP_TRY(std::optional<types::Account> found, state.account(call.from));
  const types::Account account = found.value_or(types::Account{});
  uint256 cost;
  const bool overflow =
      mul_overflow(uint256(call.gas), call.gas_price, cost) || add_overflow(cost, call.value, cost);
  if (overflow || account.balance < cost) {
    return fail(Errc::insufficient_funds, "address " + address_hex(call.from) + " have " +
                                              to_string(account.balance) + " want " +
                                              (overflow ? "more than 2^256" : to_string(cost)));
  }
  Run run;
  run.sender = call.from;
  run.nonce = account.nonce;
  run.to = call.to;
  run.gas_limit = call.gas;
  run.intrinsic = intrinsic;
  run.price = call.gas_price;
  run.value = call.value;
  run.data = call.data;
  run.access_list = &call.access_list;
  run.should_stop = &call.should_stop;
  const std::size_t snapshot = state.snapshot();
  auto applied = execute(state, config, env, run);
  if (!applied) state.revert_to(snapshot);
  return applied;
}

BlockBuilder::BlockBuilder(const state::StateView& base, const ChainConfig& config,
                           const BlockEnv& env)
    : m_state(base), m_config(config), m_env(env) {}

Result<void> BlockBuilder::apply_edits(const state::StateDiff& edits) {
  ROLLUP_ASSERT(m_transactions.empty());
  return m_state.apply(edits);
}

Result<void> BlockBuilder::add(const types::Transaction& txn, const Address& sender) {
  ROLLUP_TRY(Applied applied, apply_transaction(m_state, m_config, m_env, txn, sender, gas_left()));
  m_gas_used += applied.gas_used;
  types::Receipt receipt;
  receipt.type = txn.type;
  receipt.success = applied.success();
  receipt.cumulative_gas_used = m_gas_used;
  receipt.bloom = types::logs_bloom(applied.logs);
  receipt.logs = std::move(applied.logs);
  m_transactions.push_back(txn);
  m_receipts.push_back(std::move(receipt));
  return {};
}

Result<BuiltBlock> BlockBuilder::finish() {
  BuiltBlock block;
  ROLLUP_TRY(block.diff, m_state.diff());
  std::vector<Bytes> encoded;
  encoded.reserve(m_transactions.size());
  for (const auto& txn : m_transactions) encoded.push_back(types::encode_transaction(txn));
  block.transactions_root = trie::ordered_trie_root(encoded);
  encoded.clear();
  for (const auto& receipt : m_receipts) {
    encoded.push_back(types::encode_receipt(receipt));
    for (std::size_t i = 0; i < block.logs_bloom.bytes.size(); ++i) {
      block.logs_bloom.bytes[i] |= receipt.bloom.bytes[i];
    }
  }
  block.receipts_root = trie::ordered_trie_root(encoded);
  block.gas_used = m_gas_used;
  block.transactions = std::move(m_transactions);
  block.receipts = std::move(m_receipts);
  return block;
}

types::Header make_header(const types::Header& parent, const BlockEnv& env, const BuiltBlock& block,
                          const Hash& state_root, ByteView extra_data) {
  ROLLUP_ASSERT(env.number == parent.number + 1);
  types::Header h;
  h.parent_hash = types::header_hash(parent);
  h.beneficiary = env.fee_recipient;
  h.state_root = state_root;
  h.transactions_root = block.transactions_root;
  h.receipts_root = block.receipts_root;
  h.logs_bloom = block.logs_bloom;
  h.number = env.number;
  h.gas_limit = env.gas_limit;
  h.gas_used = block.gas_used;
  h.timestamp = env.timestamp;
  h.extra_data.assign(extra_data.begin(), extra_data.end());
  h.mix_hash = env.prev_randao;
  h.base_fee_per_gas = env.base_fee;
  // Cancun fields: no withdrawals, no blobs and no beacon chain on this L2.
  h.withdrawals_root = types::k_empty_root_hash;
  h.blob_gas_used = 0;
  h.excess_blob_gas = 0;
  h.parent_beacon_block_root = Hash{};
  return h;
}

}  // namespace rollup::execution
