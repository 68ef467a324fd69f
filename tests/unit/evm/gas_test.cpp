// Gas rules that depend on state and on the call tree: EIP-2929 warm and cold access (with
// access-list warming through Vm::warm_*), the SSTORE schedule of EIP-2200 with EIP-3529's refunds,
// the 2,300 sentry, and EIP-150's 63/64 rule. Gas is execution gas; PUSH0 costs 2, other PUSHes 3.

#include <gtest/gtest.h>

#include "evm_fixture.hpp"

namespace rollup::evm {
namespace {

using namespace bytecode;

TEST_F(EvmTest, BalanceIsColdOnceThenWarm) {
  const Code program = balance(other) + OP_POP + balance(other) + OP_POP;
  ASSERT_EQ(execute(program).status, Status::success);
  // PUSH20 3, BALANCE 100 + 2,500 cold, POP 2; then PUSH20 3, BALANCE 100, POP 2.
  EXPECT_EQ(gas_used(), 3 + 2600 + 2 + 3 + 100 + 2);

  // In the access list: warm from the start.
  prepare = [&](Vm& vm) { vm.warm_account(other); };
  ASSERT_EQ(execute(program).status, Status::success);
  EXPECT_EQ(gas_used(), 3 + 100 + 2 + 3 + 100 + 2);

  // Precompiles and the coinbase (EIP-3651) are warm for every transaction.
  prepare = nullptr;
  ASSERT_EQ(execute(balance(make_address(1, 0)) + OP_POP).status, Status::success);
  EXPECT_EQ(gas_used(), 3 + 100 + 2);
  ASSERT_EQ(execute(balance(block.coinbase) + OP_POP).status, Status::success);
  EXPECT_EQ(gas_used(), 3 + 100 + 2);
  // EXTCODESIZE follows the same rule.
  ASSERT_EQ(execute(op(OP_EXTCODESIZE, other) + OP_POP + op(OP_EXTCODESIZE, other) + OP_POP).status,
            Status::success);
  EXPECT_EQ(gas_used(), 3 + 2600 + 2 + 3 + 100 + 2);
}

TEST_F(EvmTest, SloadIsColdOnceThenWarm) {
  const Code program = sload(5) + OP_POP + sload(5) + OP_POP;
  ASSERT_EQ(execute(program).status, Status::success);
  // PUSH1 3, SLOAD 2,100 cold, POP 2; PUSH1 3, SLOAD 100, POP 2.
  EXPECT_EQ(gas_used(), 3 + 2100 + 2 + 3 + 100 + 2);
  prepare = [&](Vm& vm) { vm.warm_slot(contract, uint256(5).to_hash()); };
  ASSERT_EQ(execute(program).status, Status::success);
  EXPECT_EQ(gas_used(), 3 + 100 + 2 + 3 + 100 + 2);
  // A warm slot of another account does not warm this one.
  prepare = [&](Vm& vm) { vm.warm_slot(other, uint256(5).to_hash()); };
  ASSERT_EQ(execute(program).status, Status::success);
  EXPECT_EQ(gas_used(), 3 + 2100 + 2 + 3 + 100 + 2);
}

TEST_F(EvmTest, CallIsColdOnceThenWarm) {
  // `other` has no account and no value moves: no new-account charge.
  const Code program = call(0, other) + OP_POP + call(0, other) + OP_POP;
  ASSERT_EQ(execute(program).status, Status::success);
  // Each call: five PUSH0 10, PUSH20 3, PUSH0 (gas) 2; CALL 100 (+ 2,500 the first time); POP 2.
  EXPECT_EQ(gas_used(), (15 + 2600 + 2) + (15 + 100 + 2));
  prepare = [&](Vm& vm) { vm.warm_account(other); };
  ASSERT_EQ(execute(program).status, Status::success);
  EXPECT_EQ(gas_used(), (15 + 100 + 2) * 2);
}

// Accounts warmed in a call that reverts are cold again afterwards (the warm set is journaled).
TEST_F(EvmTest, RevertedCallForgetsWhatItWarmed) {
  set_code(other, balance(third) + OP_POP + revert(0, 0));
  ASSERT_EQ(execute(call(50000, other) + OP_POP + balance(third) + OP_POP).status, Status::success);
  // call: five PUSH0 10, PUSH20 3, PUSH2 3; CALL 100 + 2,500. The callee: PUSH20 3, BALANCE 2,600,
  // POP 2, PUSH0 PUSH0 4, REVERT 0 (the rest comes back). POP 2, then BALANCE cold again:
  // PUSH20 3 + 2,600, POP 2.
  EXPECT_EQ(gas_used(), 16 + 2600 + (3 + 2600 + 2 + 4) + 2 + (3 + 2600) + 2);
}

// The rows of EIP-3529's test-case table (London and later): the code, the slot's value before the
// transaction, the gas used and the refund. The table assumes the slot is warm (in the access
// list); the code is PUSH1 v PUSH1 0 SSTORE, repeated.
struct SstoreRow {
  const char* code;
  std::int64_t gas;
  std::int64_t refund;
  std::uint64_t original;
};

constexpr SstoreRow k_eip3529_rows[] = {
    {"60006000556000600055", 212, 0, 0},
    {"60006000556001600055", 20112, 0, 0},
    {"60016000556000600055", 20112, 19900, 0},  // 0 -> 1 -> 0
    {"60016000556002600055", 20112, 0, 0},
    {"60016000556001600055", 20112, 0, 0},
    {"60006000556000600055", 3012, 4800, 1},  // 1 -> 0 -> 0
    {"60006000556001600055", 3012, 2800, 1},  // 1 -> 0 -> 1
    {"60006000556002600055", 3012, 0, 1},
    {"60026000556000600055", 3012, 4800, 1},
    {"60026000556003600055", 3012, 0, 1},
    {"60026000556001600055", 3012, 2800, 1},  // 1 -> 2 -> 1
    {"60026000556002600055", 3012, 0, 1},
    {"60016000556000600055", 3012, 4800, 1},
    {"60016000556002600055", 3012, 0, 1},
    {"60016000556001600055", 212, 0, 1},
    {"600160005560006000556001600055", 40118, 19900, 0},  // 0 -> 1 -> 0 -> 1
    {"600060005560016000556000600055", 5918, 7600, 1},    // 1 -> 0 -> 1 -> 0
};

TEST_F(EvmTest, SstoreNetGasMeteringEip3529Table) {
  for (const SstoreRow& row : k_eip3529_rows) {
    for (const bool warm : {true, false}) {
      set_storage(contract, 0, row.original);
      prepare = [&](Vm& vm) {
        if (warm) vm.warm_slot(contract, Hash{});
      };
      const TxResult r = execute(Code::from_hex(row.code));
      ASSERT_EQ(r.status, Status::success) << row.code;
      // A cold slot adds 2,100 to its first access, and refunds do not change.
      EXPECT_EQ(gas_used(), row.gas + (warm ? 0 : 2100)) << row.code << " warm " << warm;
      EXPECT_EQ(r.gas_refund, row.refund) << row.code << " warm " << warm;
    }
  }
}

// EIP-2200: SSTORE fails when no more than 2,300 gas is left, whatever it would cost, so a callee
// living on the call stipend cannot write.
TEST_F(EvmTest, SstoreSentry) {
  const Code program = Code::from_hex("6000600055");  // PUSH1 0 PUSH1 0 SSTORE: 6 before SSTORE
  prepare = [&](Vm& vm) { vm.warm_slot(contract, Hash{}); };
  TxResult r = execute(program, 6 + 2300);
  EXPECT_EQ(r.status, Status::out_of_gas);
  EXPECT_EQ(r.gas_left, 0);
  // 2,301 left: the no-op write costs its warm 100.
  r = execute(program, 6 + 2301);
  EXPECT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 6 + 100);
  // Cold: 2,100 + 100, still under what is left.
  prepare = nullptr;
  r = execute(program, 6 + 2301);
  EXPECT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 6 + 2200);

  // Through a call with value and no gas: the callee has the 2,300 stipend and nothing else.
  set_code(other, sstore(0, 0));  // PUSH0 PUSH0: 2,296 left at SSTORE
  prepare = [&](Vm& vm) { vm.warm_slot(other, Hash{}); };
  set_code(contract, call(0, other, 1) + ret_top(), 10);
  r = transact(contract);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(output_word(r), 0);
  // call: four PUSH0 8, PUSH1 (value) 3, PUSH20 3, PUSH0 (gas) 2 = 16; CALL 100 + 2,500 cold
  // + 9,000 for the value (the callee has code: no new-account charge); the stipend is spent by the
  // failure but was never the caller's; ret_top 13.
  EXPECT_EQ(gas_used(), 16 + 11600 + 13);
  // The same callee without the SSTORE hands back what is left of the stipend, 2,300 - 4, to the
  // caller.
  set_code(other, Code(OP_PUSH0) + OP_PUSH0);
  r = transact(contract);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(output_word(r), 1);
  EXPECT_EQ(gas_used(), 16 + 11600 + 13 - 2296);
}

// EIP-150: a call passes at most all but one 64th of what is left; nested twice.
TEST_F(EvmTest, CallGasIsCappedAt63Of64AtEachLevel) {
  const uint256 all = uint256::max();
  set_code(contract, call(all, other));  // A asks for everything
  set_code(other, call(all, third));     // B too
  set_code(third, sstore(0, OP_GAS));    // C records what it got, less GAS's own 2
  const TxResult r = transact(contract, {}, 1'000'000);
  ASSERT_EQ(r.status, Status::success);
  // A: five PUSH0 10, PUSH20 3, PUSH32 3, CALL 100 + 2,500 (cold) leave 1,000,000 - 2,616 =
  // 997,384; B gets 997,384 - floor(997,384 / 64) = 997,384 - 15,584 = 981,800.
  // B: the same 2,616 leave 979,184; C gets 979,184 - 15,299 = 963,885.
  // C: GAS costs 2 and pushes 963,883.
  EXPECT_EQ(storage(third, 0), 963'883);
  // C used GAS 2, PUSH0 2, SSTORE 22,100 (cold, 0 -> non-zero); B 2,616 + C's; A 2,616 + B's.
  EXPECT_EQ(gas_used(), 2616 + 2616 + 22104);
}

}  // namespace
}  // namespace rollup::evm
