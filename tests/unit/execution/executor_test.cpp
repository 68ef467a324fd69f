#include "rollup/execution/executor.hpp"

#include <gtest/gtest.h>

#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/trie/trie.hpp"
#include "rollup/types/account.hpp"
#include "support/chain.hpp"

namespace rollup::execution {
namespace {

using namespace rollup::testing;

Address address(std::uint8_t last) {
  return testing::plain_address(last);
}

types::Transaction transfer(const Key& from, std::uint64_t nonce, const Address& to,
                            const uint256& value, const uint256& max_fee = 10 * k_gwei,
                            const uint256& tip = 2 * k_gwei) {
  return testing::transfer(from, k_chain_id, nonce, to, value, max_fee, tip);
}

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest() {
    config.chain_id = k_chain_id;
    config.base_fee_vault = address(0xfe);
    env.number = 1;
    env.timestamp = 1000;
    env.gas_limit = 30'000'000;
    env.base_fee = 5 * k_gwei;
    env.fee_recipient = address(0xc0);
    types::Account rich;
    rich.balance = 100 * k_ether;
    parent.map[alice.address] = rich;
    parent.map[bob.address] = rich;
  }

  uint256 balance(const state::BlockState& s, const Address& a) {
    auto acc = s.account(a);
    EXPECT_TRUE(acc.has_value());
    return *acc ? (**acc).balance : uint256{};
  }
  uint256 total(const state::BlockState& s) {
    uint256 sum;
    for (const Address& a :
         {alice.address, bob.address, carol, *config.base_fee_vault, env.fee_recipient}) {
      sum += balance(s, a);
    }
    return sum;
  }

  ChainConfig config;
  BlockEnv env;
  testing::AccountsState parent;
  Key alice = make_key(1);
  Key bob = make_key(2);
  Address carol = address(0x03);
};

TEST_F(ExecutorTest, TransferPaysTipToRecipientAndBaseFeeToVaultAndConservesValue) {
  state::BlockState s(parent);
  const uint256 before = total(s);
  const auto txn = transfer(alice, 0, carol, 3 * k_ether);
  auto applied = apply_transaction(s, config, env, txn, alice.address, env.gas_limit);
  ASSERT_TRUE(applied.has_value()) << applied.error().message();
  EXPECT_TRUE(applied->success());
  EXPECT_EQ(applied->gas_used, 21'000u);
  // Effective price min(10, 5 + 2) = 7 gwei: 2 gwei of tip and 5 of base fee per gas.
  EXPECT_EQ(balance(s, carol), 3 * k_ether);
  EXPECT_EQ(balance(s, alice.address), 100 * k_ether - 3 * k_ether - uint256(21'000) * 7 * k_gwei);
  EXPECT_EQ(balance(s, env.fee_recipient), uint256(21'000) * 2 * k_gwei);
  EXPECT_EQ(balance(s, *config.base_fee_vault), uint256(21'000) * 5 * k_gwei);
  EXPECT_EQ((**s.account(alice.address)).nonce, 1u);
  EXPECT_EQ(total(s), before);
}

TEST_F(ExecutorTest, LegacyTransactionPaysItsGasPrice) {
  state::BlockState s(parent);
  types::Transaction t;
  t.type = types::TxType::legacy;
  t.chain_id = k_chain_id;
  t.max_fee_per_gas = t.max_priority_fee_per_gas = 6 * k_gwei;
  t.gas_limit = 21'000;
  t.to = carol;
  t.value = uint256(1);
  ASSERT_TRUE(types::sign_transaction(t, alice.secret).has_value());
  ASSERT_TRUE(apply_transaction(s, config, env, t, alice.address, env.gas_limit));
  EXPECT_EQ(balance(s, env.fee_recipient), uint256(21'000) * k_gwei);
  EXPECT_EQ(balance(s, *config.base_fee_vault), uint256(21'000) * 5 * k_gwei);
}

// Each refusal names geth's reason and leaves the state exactly as it was.
struct Refusal {
  types::Transaction txn;
  Address sender;
  std::error_code code;
  std::string message;  // Error::message() must contain it
};

TEST_F(ExecutorTest, InvalidTransactionsAreRefusedWithGethReasonsAndChangeNothing) {
  types::Account contract;
  contract.code_hash = crypto::keccak256(Bytes{0x00});
  parent.map[address(0x77)] = contract;
  parent.map[address(0x78)] = contract;  // a sender with code
  std::vector<Refusal> cases;
  cases.push_back({transfer(alice, 1, carol, uint256(1)), alice.address,
                   make_error_code(Errc::nonce_too_high),
                   "nonce too high: next nonce 0, tx nonce 1"});
  cases.push_back({transfer(alice, 0, carol, 200 * k_ether), alice.address,
                   make_error_code(Errc::insufficient_funds),
                   "insufficient funds for gas * price + value: balance 100000000000000000000, "
                   "tx cost 200000300000000000000, overshot 100000300000000000000"});
  cases.push_back({transfer(alice, 0, carol, uint256(1), 4 * k_gwei, k_gwei), alice.address,
                   make_error_code(Errc::fee_cap_below_base_fee),
                   "max fee per gas less than block base fee"});
  auto big = transfer(alice, 0, carol, uint256(1));
  big.gas_limit = env.gas_limit + 1;
  ASSERT_TRUE(types::sign_transaction(big, alice.secret).has_value());
  cases.push_back({big, alice.address, make_error_code(Errc::exceeds_block_gas_limit),
                   "exceeds block gas limit"});
  cases.push_back({transfer(alice, 0, carol, uint256(1)), address(0x78),
                   make_error_code(Errc::sender_not_eoa), "sender not an eoa"});
  auto other_chain = transfer(alice, 0, carol, uint256(1));
  other_chain.chain_id = k_chain_id + 1;
  ASSERT_TRUE(types::sign_transaction(other_chain, alice.secret).has_value());
  cases.push_back({other_chain, alice.address, make_error_code(types::Errc::wrong_chain_id), ""});
  for (const Refusal& c : cases) {
    state::BlockState s(parent);
    auto r = apply_transaction(s, config, env, c.txn, c.sender, env.gas_limit);
    ASSERT_FALSE(r.has_value()) << c.message;
    EXPECT_EQ(r.error().code(), c.code) << r.error().message();
    EXPECT_NE(r.error().message().find(c.message), std::string::npos) << r.error().message();
    auto diff = s.diff();
    ASSERT_TRUE(diff.has_value());
    EXPECT_TRUE(diff->accounts.empty()) << c.message;
  }
  // Once the nonce has moved on, the old nonce is too low.
  state::BlockState s(parent);
  ASSERT_TRUE(apply_transaction(s, config, env, transfer(alice, 0, carol, uint256(1)),
                                alice.address, env.gas_limit));
  auto again = apply_transaction(s, config, env, transfer(alice, 0, carol, uint256(1)),
                                 alice.address, env.gas_limit);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), make_error_code(Errc::nonce_too_low));
  EXPECT_NE(again.error().message().find("nonce too low: next nonce 1, tx nonce 0"),
            std::string::npos);
  // Less gas left in the block than the transaction asks for.
  auto full = apply_transaction(s, config, env, transfer(alice, 1, carol, uint256(1)),
                                alice.address, 29'999);
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code(), make_error_code(Errc::block_gas_exhausted));
}

TEST_F(ExecutorTest, ZeroValueTransferToANewAddressCreatesNoAccount) {
  state::BlockState s(parent);
  env.base_fee = uint256{};
  const auto txn = transfer(alice, 0, carol, uint256{}, uint256{}, uint256{});
  ASSERT_TRUE(apply_transaction(s, config, env, txn, alice.address, env.gas_limit));
  auto diff = s.diff();
  ASSERT_TRUE(diff.has_value());
  ASSERT_EQ(diff->accounts.size(), 1u);  // only the sender's nonce
  EXPECT_EQ(diff->accounts[0].address, alice.address);
}

// Code runs: slot 0 of the contract holds 1 and the code clears it, then logs and returns.
// Cancun gas: 21,000 intrinsic, 3 + 3 for the pushes, 2,100 (cold slot) + 2,900 (reset) for the
// SSTORE, then LOG0 with 2 bytes: 375 + 16 (+ 3 memory word) + pushes; the clear refunds 4,800.
TEST_F(ExecutorTest, ContractCodeRunsWithExactGasRefundAndLogs) {
  const Bytes code = {0x60, 0x00, 0x60, 0x00, 0x55,  // SSTORE(0, 0)
                      0x60, 0x02, 0x60, 0x00, 0xa0,  // LOG0(0, 2)
                      0x00};
  types::Account contract;
  contract.code_hash = crypto::keccak256(code);
  parent.map[carol] = contract;
  parent.codes[contract.code_hash] = code;
  parent.slots[{carol, Hash{}}] = 1;
  state::BlockState s(parent);
  const uint256 before = total(s);
  const auto txn = transfer(alice, 0, carol, k_ether);
  auto applied = apply_transaction(s, config, env, txn, alice.address, env.gas_limit);
  ASSERT_TRUE(applied.has_value()) << applied.error().message();
  ASSERT_TRUE(applied->success()) << evm::to_string(applied->status);
  const std::uint64_t used = 21'000 + 6 + 5'000 + 6 + 375 + 16 + 3;
  EXPECT_EQ(applied->gas_used, used - 4'800);
  ASSERT_EQ(applied->logs.size(), 1u);
  EXPECT_EQ(applied->logs[0].address, carol);
  EXPECT_EQ(applied->logs[0].data, Bytes(2, 0));
  EXPECT_EQ(*s.storage(carol, Hash{}), uint256{});
  EXPECT_EQ(balance(s, carol), k_ether);
  EXPECT_EQ(balance(s, *config.base_fee_vault), uint256(used - 4'800) * 5 * k_gwei);
  EXPECT_EQ(total(s), before);
}

// A reverting contract: the sender pays for the gas used and its nonce moves on, but the value
// and every write of the call are undone, and the revert data comes back.
TEST_F(ExecutorTest, RevertUndoesTheCallButChargesGas) {
  const Bytes code = {0x60, 0x01, 0x60, 0x00, 0x55,   // SSTORE(0, 1)
                      0x60, 0x2a, 0x60, 0x00, 0x53,   // MSTORE8(0, 42)
                      0x60, 0x01, 0x60, 0x00, 0xfd};  // REVERT(0, 1)
  types::Account contract;
  contract.code_hash = crypto::keccak256(code);
  parent.map[carol] = contract;
  parent.codes[contract.code_hash] = code;
  state::BlockState s(parent);
  const uint256 before = total(s);
  auto txn = transfer(alice, 0, carol, k_ether);
  txn.gas_limit = 100'000;
  ASSERT_TRUE(types::sign_transaction(txn, alice.secret).has_value());
  auto applied = apply_transaction(s, config, env, txn, alice.address, env.gas_limit);
  ASSERT_TRUE(applied.has_value()) << applied.error().message();
  EXPECT_EQ(applied->status, evm::Status::revert);
  EXPECT_EQ(applied->output, Bytes{42});
  EXPECT_EQ(applied->gas_used, 21'000u + 6 + 22'100 + 6 + 3 + 3 + 6);
  EXPECT_EQ(*s.storage(carol, Hash{}), uint256{});
  EXPECT_EQ(balance(s, carol), uint256{});
  EXPECT_EQ((**s.account(alice.address)).nonce, 1u);
  EXPECT_EQ(total(s), before);
}

// The sequencer leaves a transaction out for its own faults only; anything else aborts the block.
TEST(TransactionFault, ClassifiesTransactionErrorsApartFromNodeErrors) {
  EXPECT_TRUE(is_transaction_fault(Error(make_error_code(Errc::nonce_too_low))));
  EXPECT_TRUE(is_transaction_fault(Error(make_error_code(Errc::insufficient_funds))));
  EXPECT_TRUE(is_transaction_fault(Error(make_error_code(types::Errc::intrinsic_gas_too_low))));
  EXPECT_FALSE(is_transaction_fault(Error(make_error_code(Errc::genesis_invalid_value))));
  EXPECT_FALSE(is_transaction_fault(Error(make_error_code(state::Errc::state_unavailable))));
  EXPECT_FALSE(is_transaction_fault(Error(make_error_code(state::Errc::corrupt_state))));
}

TEST(BaseFee, FollowsEip1559) {
  ChainConfig config;
  types::Header parent;
  parent.gas_limit = 30'000'000;
  parent.base_fee_per_gas = uint256(1'000'000'000);
  parent.gas_used = 15'000'000;  // at target
  EXPECT_EQ(next_base_fee(parent, config), uint256(1'000'000'000));
  parent.gas_used = 30'000'000;  // full: +12.5%
  EXPECT_EQ(next_base_fee(parent, config), uint256(1'125'000'000));
  parent.gas_used = 0;  // empty: -12.5%
  EXPECT_EQ(next_base_fee(parent, config), uint256(875'000'000));
  parent.base_fee_per_gas = uint256(7);
  parent.gas_used = 15'000'001;  // the rise is at least 1 wei
  EXPECT_EQ(next_base_fee(parent, config), uint256(8));
  config.elasticity_multiplier = 6;
  config.base_fee_change_denominator = 50;
  parent.base_fee_per_gas = uint256(1'000'000'000);
  parent.gas_used = 30'000'000;  // six times the target of 5M: up (30M - 5M) / 5M / 50 = 10%
  EXPECT_EQ(next_base_fee(parent, config), uint256(1'100'000'000));
}

TEST_F(ExecutorTest, BlockBuilderKeepsIncludedTransactionsAndSkipsRefusedOnes) {
  BlockBuilder builder(parent, config, env);
  ASSERT_TRUE(builder.add(transfer(alice, 0, carol, k_ether), alice.address));
  ASSERT_FALSE(builder.add(transfer(alice, 5, carol, k_ether), alice.address));  // gap
  ASSERT_TRUE(builder.add(transfer(bob, 0, carol, k_ether), bob.address));
  ASSERT_TRUE(builder.add(transfer(alice, 1, bob.address, k_ether), alice.address));
  EXPECT_EQ(builder.size(), 3u);
  EXPECT_EQ(builder.gas_used(), 63'000u);
  auto block = builder.finish();
  ASSERT_TRUE(block.has_value());
  ASSERT_EQ(block->receipts.size(), 3u);
  EXPECT_EQ(block->receipts[0].cumulative_gas_used, 21'000u);
  EXPECT_EQ(block->receipts[2].cumulative_gas_used, 63'000u);
  std::vector<Bytes> encoded;
  for (const auto& t : block->transactions) encoded.push_back(types::encode_transaction(t));
  EXPECT_EQ(block->transactions_root, trie::ordered_trie_root(encoded));
  encoded.clear();
  for (const auto& r : block->receipts) encoded.push_back(types::encode_receipt(r));
  EXPECT_EQ(block->receipts_root, trie::ordered_trie_root(encoded));
  // alice, bob, carol, the fee recipient and the vault changed.
  EXPECT_EQ(block->diff.accounts.size(), 5u);

  types::Header parent_header;
  parent_header.number = 0;
  parent_header.base_fee_per_gas = env.base_fee;
  Hash root;
  root.bytes[0] = 1;
  const types::Header h = make_header(parent_header, env, *block, root, Bytes{0x01});
  EXPECT_EQ(h.parent_hash, types::header_hash(parent_header));
  EXPECT_EQ(h.gas_used, 63'000u);
  EXPECT_EQ(h.state_root, root);
  EXPECT_EQ(h.base_fee_per_gas, env.base_fee);
  EXPECT_EQ(h.beneficiary, env.fee_recipient);
  EXPECT_EQ(h.withdrawals_root, types::k_empty_root_hash);
  EXPECT_EQ(h.blob_gas_used, 0u);
}

}  // namespace
}  // namespace rollup::execution
