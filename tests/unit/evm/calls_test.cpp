// Calls: STATICCALL's write protection, what a failed frame takes back (transient storage, logs)
// and what a reverting one keeps (its unused gas, its return data).

#include <gtest/gtest.h>

#include "evm_fixture.hpp"

namespace rollup::evm {
namespace {

using namespace bytecode;

// `contract` STATICCALLs `other` with 100,000 gas and returns the success flag.
class StaticCallTest : public EvmTest {
 protected:
  TxResult static_call_running(const Code& callee) {
    set_code(other, callee, 10);
    return execute(staticcall(100000, other) + ret_top());
  }
};

TEST_F(StaticCallTest, EveryStateChangeIsAViolation) {
  struct Case {
    const char* name;
    Code callee;
  };
  const Case cases[] = {
      {"SSTORE", sstore(0, 1)},
      {"SSTORE of the same value", sstore(0, 0)},
      {"LOG0", log0(0, 0)},
      {"LOG1", log1(0, 0, 1)},
      {"CREATE", create(0, 0, 0)},
      {"CREATE2", create2(0, 0, 0, 0)},
      {"SELFDESTRUCT", selfdestruct(third)},
      {"CALL with value", call(0, third, 1)},
      {"TSTORE", tstore(0, 1)},
  };
  for (const Case& c : cases) {
    const TxResult r = static_call_running(c.callee);
    ASSERT_EQ(r.status, Status::success) << c.name;
    EXPECT_EQ(output_word(r), 0) << c.name;
    // staticcall: four PUSH0 8, PUSH20 3, PUSH3 3; STATICCALL 100 + 2,500 (cold); the callee
    // halts and consumes its 100,000; ret_top 13.
    EXPECT_EQ(gas_used(), 14 + 2600 + 100000 + 13) << c.name;
    EXPECT_TRUE(diff().accounts.empty()) << c.name;
  }
}

TEST_F(StaticCallTest, ReadsAndValuelessCallsAreAllowed) {
  EXPECT_EQ(output_word(static_call_running(sload(0) + tload(0) + balance(third))), 1);
  EXPECT_EQ(output_word(static_call_running(call(0, third, 0))), 1);
  EXPECT_EQ(output_word(static_call_running(staticcall(0, third))), 1);
}

// The protection is inherited: a CALL made inside a STATICCALL is static too.
TEST_F(StaticCallTest, NestedCallsStayStatic) {
  set_code(third, sstore(0, 1));
  const TxResult r = static_call_running(call(OP_GAS, third) + ret_top());
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(output_word(r), 1);  // `other` itself succeeded...
  set_code(contract, staticcall(OP_GAS, other, 0, 0, 0, 32) + OP_POP + ret(0, 32));
  EXPECT_EQ(output_word(transact(contract)), 0);  // ...and saw its own call to `third` fail
  EXPECT_EQ(storage(third, 0), 0);
}

TEST_F(EvmTest, RevertKeepsGasLeftAndReturnsData) {
  const Code reverting = mstore(0, 0xdead) + revert(30, 2);
  TxResult r = execute(reverting);
  EXPECT_EQ(r.status, Status::revert);
  EXPECT_EQ(r.output, (Bytes{0xde, 0xad}));
  // PUSH2 3, PUSH0 2, MSTORE 3 + 3; PUSH1 3, PUSH1 3, REVERT 0. The rest is left.
  EXPECT_EQ(gas_used(), 17);
  EXPECT_EQ(r.gas_left, k_gas - 17);

  // Nested: the caller gets the callee's unused gas back, the return data, and a 0.
  set_code(other, reverting);
  r = execute(sstore(0, call(10000, other)) + sstore(1, OP_RETURNDATASIZE) +
              returndatacopy(0, 0, 2) + ret(0, 2));
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(r.output, (Bytes{0xde, 0xad}));
  EXPECT_EQ(storage(contract, 0), 0);
  EXPECT_EQ(storage(contract, 1), 2);
  // call: five PUSH0 10, PUSH20 3, PUSH2 3; CALL 2,600 (cold); the callee's 17.
  // sstore(0, 0): PUSH0 2, SSTORE 2,100 cold + 100 (no change).
  // sstore(1, 2): RETURNDATASIZE 2, PUSH1 3, SSTORE 2,100 + 20,000.
  // returndatacopy(0, 0, 2): PUSH1, PUSH0, PUSH0 7, 3, one word 3, memory 3. ret(0, 2): 5.
  EXPECT_EQ(gas_used(), 16 + 2600 + 17 + 2202 + 22105 + 16 + 5);
}

TEST_F(EvmTest, LogsOfFailedFramesAreDropped) {
  set_code(other, log1(0, 0, 0xb1) + revert(0, 0));
  set_code(third, log1(0, 0, 0xc1));
  TxResult r = execute(mstore8(0, 0x42) + log1(0, 1, 0xa1) + call(OP_GAS, other) + OP_POP +
                       call(OP_GAS, third) + OP_POP + log1(0, 0, 0xa2));
  ASSERT_EQ(r.status, Status::success);
  ASSERT_EQ(r.logs.size(), 3u);
  EXPECT_EQ(r.logs[0], (Log{contract, {uint256(0xa1).to_hash()}, Bytes{0x42}}));
  EXPECT_EQ(r.logs[1], (Log{third, {uint256(0xc1).to_hash()}, {}}));
  EXPECT_EQ(r.logs[2], (Log{contract, {uint256(0xa2).to_hash()}, {}}));

  // A call that runs out of gas after logging loses its logs too.
  set_code(other, log1(0, 0, 0xb1) + OP_INVALID);
  r = execute(call(OP_GAS, other) + OP_POP);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_TRUE(r.logs.empty());

  // A transaction that reverts or halts has no logs at all.
  r = execute(log1(0, 0, 0xa1) + revert(0, 0));
  EXPECT_EQ(r.status, Status::revert);
  EXPECT_TRUE(r.logs.empty());
  r = execute(log1(0, 0, 0xa1) + OP_INVALID);
  EXPECT_EQ(r.status, Status::invalid_instruction);
  EXPECT_TRUE(r.logs.empty());
}

// Transient storage (EIP-1153) is journaled like storage: a failed frame's TSTOREs are undone.
TEST_F(EvmTest, TransientStorageIsRevertedWithTheFrame) {
  // `contract` sets its slot 0 to 1, DELEGATECALLs `other` (which writes the same slot, since it
  // runs in the caller's context) and returns what the slot holds afterwards.
  const Code program = tstore(0, 1) + delegatecall(OP_GAS, other) + OP_POP + tload(0) + ret_top();
  set_code(other, tstore(0, 2) + revert(0, 0));
  EXPECT_EQ(output_word(execute(program)), 1);
  // TSTORE: PUSH1 3, PUSH0 2, 100. delegatecall: four PUSH0 8, PUSH20 3, GAS 2; 100 + 2,500. The
  // callee: TSTORE 105, PUSH0 PUSH0 4. POP 2; TLOAD: PUSH0 2 + 100; ret_top 13.
  EXPECT_EQ(gas_used(), 105 + 13 + 2600 + 109 + 2 + 102 + 13);

  set_code(other, tstore(0, 2) + OP_INVALID);
  EXPECT_EQ(output_word(execute(program)), 1);
  set_code(other, tstore(0, 2));
  EXPECT_EQ(output_word(execute(program)), 2);
  // A plain CALL writes the callee's own transient storage, not the caller's.
  EXPECT_EQ(
      output_word(execute(tstore(0, 1) + call(OP_GAS, other) + OP_POP + tload(0) + ret_top())), 1);
  // Within one transaction the value outlives the frame that wrote it: `other` writes 7 when
  // called without input and returns its slot otherwise. (CALLDATASIZE, PUSH1, JUMPI: 4 bytes.)
  const Code write = tstore(0, 7) + OP_STOP;
  set_code(other,
           jumpi(4 + write.size(), OP_CALLDATASIZE) + write + OP_JUMPDEST + tload(0) + ret_top());
  EXPECT_EQ(output_word(execute(call(OP_GAS, other) + OP_POP + call(OP_GAS, other, 0, 0, 1, 0, 32) +
                                OP_POP + ret(0, 32))),
            7);
}

}  // namespace
}  // namespace rollup::evm
