// Single instructions through the whole EVM: arithmetic edge cases, memory, call data, return
// data, jumps, the stack limits, BLOBHASH and BLOCKHASH. Gas figures are execution gas, each
// derived in the comments: PUSH0 costs 2, every other PUSH 3, and ret_top() 13 on empty memory
// (PUSH0 2, MSTORE 3 plus 3 for the first word, PUSH1 3, PUSH0 2, RETURN 0), 10 otherwise.

#include <gtest/gtest.h>

#include "evm_fixture.hpp"

namespace rollup::evm {
namespace {

using namespace bytecode;

const uint256 k_min = uint256(1) << 255;  // -2^255, the most negative word
const uint256 k_max = uint256::max();     // -1
const uint256 k_max_positive = k_min - 1;

uint256 neg(std::uint64_t v) {
  return -uint256(v);
}

// 0x0102...1f20: byte i (from the most significant) is i + 1.
uint256 counting_word() {
  std::uint8_t b[32];
  for (int i = 0; i < 32; ++i) b[i] = static_cast<std::uint8_t>(i + 1);
  return uint256::from_be(b);
}

struct ArithmeticCase {
  const char* name;
  Code program;
  uint256 expected;
  std::int64_t gas;
};

TEST_F(EvmTest, ArithmeticEdgeCases) {
  const uint256 w = counting_word();
  // op(OP_X, a, b) pushes b then a, so the gas is the two pushes, the opcode and ret_top's 13.
  const ArithmeticCase cases[] = {
      // SDIV: -2^255 / -1 overflows and wraps to -2^255 (PUSH32, PUSH32, SDIV 5, 13).
      {"sdiv min -1", op(OP_SDIV, k_min, k_max) + ret_top(), k_min, 3 + 3 + 5 + 13},
      // Truncates toward zero: -8 / 3 = -2 (PUSH1 3, PUSH32 -8).
      {"sdiv -8 3", op(OP_SDIV, neg(8), 3) + ret_top(), neg(2), 3 + 3 + 5 + 13},
      // Division by zero is zero (PUSH0, PUSH1 5).
      {"sdiv 5 0", op(OP_SDIV, 5, 0) + ret_top(), 0, 2 + 3 + 5 + 13},
      {"smod min -1", op(OP_SMOD, k_min, k_max) + ret_top(), 0, 3 + 3 + 5 + 13},
      // The result takes the dividend's sign.
      {"smod -7 2", op(OP_SMOD, neg(7), 2) + ret_top(), neg(1), 3 + 3 + 5 + 13},
      {"smod 7 -2", op(OP_SMOD, 7, neg(2)) + ret_top(), 1, 3 + 3 + 5 + 13},
      // (2^256 - 1 + 1) mod 10 = 2^256 mod 10 = 6: the sum does not wrap (ADDMOD 8).
      {"addmod max 1 10", op(OP_ADDMOD, k_max, 1, 10) + ret_top(), 6, 3 + 3 + 3 + 8 + 13},
      // 2^256 = 4 (mod 12), so (2^256 - 1)^2 = 3^2 = 9 (mod 12): the product does not wrap.
      {"mulmod max max 12", op(OP_MULMOD, k_max, k_max, 12) + ret_top(), 9, 3 + 3 + 3 + 8 + 13},
      {"mulmod mod 0", op(OP_MULMOD, 5, 5, 0) + ret_top(), 0, 2 + 3 + 3 + 8 + 13},
      // SIGNEXTEND(b, x) extends the sign bit of byte b (0 = least significant).
      {"signextend 0 0xff", op(OP_SIGNEXTEND, 0, 0xff) + ret_top(), k_max, 3 + 2 + 5 + 13},
      {"signextend 0 0x7f", op(OP_SIGNEXTEND, 0, 0x7f) + ret_top(), 0x7f, 3 + 2 + 5 + 13},
      {"signextend 1 0x8000", op(OP_SIGNEXTEND, 1, 0x8000) + ret_top(), neg(0x8000),
       3 + 3 + 5 + 13},
      // Index 31 and above leave the word alone, even a huge index.
      {"signextend 31 min", op(OP_SIGNEXTEND, 31, k_min) + ret_top(), k_min, 3 + 3 + 5 + 13},
      {"signextend max 0xff", op(OP_SIGNEXTEND, k_max, 0xff) + ret_top(), 0xff, 3 + 3 + 5 + 13},
      // SAR(shift, x): an arithmetic shift (SAR 3).
      {"sar 1 min", op(OP_SAR, 1, k_min) + ret_top(), k_min | (k_min >> 1), 3 + 3 + 3 + 13},
      {"sar 255 min", op(OP_SAR, 255, k_min) + ret_top(), k_max, 3 + 3 + 3 + 13},
      {"sar 256 -1", op(OP_SAR, 256, k_max) + ret_top(), k_max, 3 + 3 + 3 + 13},
      {"sar 256 max positive", op(OP_SAR, 256, k_max_positive) + ret_top(), 0, 3 + 3 + 3 + 13},
      {"sar max -1", op(OP_SAR, k_max, neg(5)) + ret_top(), k_max, 3 + 3 + 3 + 13},
      {"sar 1 8", op(OP_SAR, 1, 8) + ret_top(), 4, 3 + 3 + 3 + 13},
      // BYTE(i, x): byte i counted from the most significant (BYTE 3).
      {"byte 0", op(OP_BYTE, 0, w) + ret_top(), 0x01, 3 + 2 + 3 + 13},
      {"byte 31", op(OP_BYTE, 31, w) + ret_top(), 0x20, 3 + 3 + 3 + 13},
      {"byte 32", op(OP_BYTE, 32, w) + ret_top(), 0, 3 + 3 + 3 + 13},
      {"byte min", op(OP_BYTE, k_min, w) + ret_top(), 0, 3 + 3 + 3 + 13},
      // EXP(a, e): 10 plus 50 per byte of the exponent.
      {"exp 2 0", op(OP_EXP, 2, 0) + ret_top(), 1, 2 + 3 + 10 + 13},
      {"exp 0 0", op(OP_EXP, 0, 0) + ret_top(), 1, 2 + 2 + 10 + 13},
      {"exp 2 255", op(OP_EXP, 2, 255) + ret_top(), k_min, 3 + 3 + 10 + 50 + 13},
      {"exp 2 256", op(OP_EXP, 2, 256) + ret_top(), 0, 3 + 3 + 10 + 2 * 50 + 13},
      {"exp -1 2", op(OP_EXP, k_max, 2) + ret_top(), 1, 3 + 3 + 10 + 50 + 13},
      {"exp 0 max", op(OP_EXP, 0, k_max) + ret_top(), 0, 3 + 2 + 10 + 32 * 50 + 13},
  };
  for (const ArithmeticCase& c : cases) {
    const TxResult r = execute(c.program);
    ASSERT_EQ(r.status, Status::success) << c.name;
    EXPECT_EQ(output_word(r), c.expected) << c.name;
    EXPECT_EQ(gas_used(), c.gas) << c.name;
  }
}

// Memory costs 3 per word plus words^2 / 512, charged on the growth.
TEST_F(EvmTest, MemoryExpansionChargesTheQuadraticTerm) {
  const TxResult r = execute(mstore8(32767, 0) + mstore8(65535, 0) + OP_MSIZE + ret_top());
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(output_word(r), 65536);
  // PUSH0, PUSH2, MSTORE8 3, and 0 -> 1,024 words: 3 * 1024 + 1024^2 / 512 = 3,072 + 2,048.
  const std::int64_t first = 2 + 3 + 3 + 5120;
  // 1,024 -> 2,048 words: (3 * 2048 + 2048^2 / 512) - 5,120 = 14,336 - 5,120.
  const std::int64_t second = 2 + 3 + 3 + 9216;
  // MSIZE 2 and ret_top inside memory 10.
  EXPECT_EQ(gas_used(), first + second + 2 + 10);

  // An offset of 2^32 would cost about 2^45 gas: out of gas, and all of it is consumed.
  const TxResult huge = execute(mload(uint256(1) << 32) + OP_POP);
  EXPECT_EQ(huge.status, Status::out_of_gas);
  EXPECT_EQ(huge.gas_left, 0);
  EXPECT_EQ(gas_used(), k_gas);

  // A zero size touches no memory, whatever the offset: PUSH0 2, PUSH32 3, RETURN 0.
  const TxResult empty = execute(ret(k_min, 0));
  ASSERT_EQ(empty.status, Status::success);
  EXPECT_TRUE(empty.output.empty());
  EXPECT_EQ(gas_used(), 5);
}

TEST_F(EvmTest, McopyHandlesOverlapBothWays) {
  const uint256 w = counting_word();
  // mstore(0, w): PUSH32 3, PUSH0 2, MSTORE 3 + 3 for the first word = 11.
  const std::int64_t store = 11;

  // Forward overlap, dest 1 > src 0: memory becomes 01 01 02 .. 20 then zeros.
  TxResult r = execute(mstore(0, w) + mcopy(1, 0, 32) + ret(0, 64));
  ASSERT_EQ(r.status, Status::success);
  Bytes expected(64, 0);
  expected[0] = 0x01;
  for (int i = 0; i < 32; ++i) expected[1 + i] = static_cast<std::uint8_t>(i + 1);
  EXPECT_EQ(r.output, expected);
  // mcopy: PUSH1 32, PUSH0, PUSH1 1 = 8; MCOPY 3, one word copied 3, 33 bytes grow memory from
  // one word to two 3. ret(0, 64): PUSH1 3, PUSH0 2.
  EXPECT_EQ(gas_used(), store + 8 + 3 + 3 + 3 + 5);

  // Backward overlap, dest 0 < src 1: 02 03 .. 20 20.
  r = execute(mstore(0, w) + mcopy(0, 1, 31) + ret(0, 32));
  ASSERT_EQ(r.status, Status::success);
  expected.assign(32, 0);
  for (int i = 0; i < 31; ++i) expected[i] = static_cast<std::uint8_t>(i + 2);
  expected[31] = 0x20;
  EXPECT_EQ(r.output, expected);
  // PUSH1 31, PUSH1 1, PUSH0 = 8; MCOPY 3 + 3, no growth (1 + 31 = 32 bytes); ret 5.
  EXPECT_EQ(gas_used(), store + 8 + 3 + 3 + 5);

  // Zero bytes at huge offsets: no expansion. PUSH0, PUSH32, PUSH32, MCOPY 3.
  r = execute(mcopy(k_min, k_min, 0));
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 2 + 3 + 3 + 3);
}

TEST_F(EvmTest, CalldataReadsPastTheEndAsZeros) {
  const Bytes input = {0xaa, 0xbb, 0xcc};
  const Code ones = op(OP_NOT, 0);  // 2^256 - 1: PUSH0 2, NOT 3
  const TxResult r =
      execute(mstore(0, calldataload(1))                        // bb cc 00 ..
                  + mstore(32, calldataload(uint256(1) << 64))  // all zero
                  + mstore(64, ones) + calldatacopy(64, 2, 4)   // cc 00 00 00 ff ..
                  + mstore(96, ones) + calldatacopy(96, uint256(1) << 200, 32) + ret(0, 128),
              k_gas, input);
  ASSERT_EQ(r.status, Status::success);
  Bytes expected(128, 0);
  expected[0] = 0xbb;
  expected[1] = 0xcc;
  expected[64] = 0xcc;
  for (int i = 68; i < 96; ++i) expected[i] = 0xff;
  EXPECT_EQ(r.output, expected);
  // mstore(0, calldataload(1)): PUSH1 3, CALLDATALOAD 3, PUSH0 2, MSTORE 3 + 3 (word 1) = 14.
  // mstore(32, calldataload(2^64)): PUSH9 3, 3, PUSH1 3, MSTORE 3 + 3 (word 2) = 15.
  // mstore(64, ones): 5, PUSH1 3, MSTORE 3 + 3 (word 3) = 14.
  // calldatacopy(64, 2, 4): three PUSH1 9, CALLDATACOPY 3, one word copied 3 = 15.
  // mstore(96, ones): 14 (word 4). calldatacopy(96, 2^200, 32): PUSH1, PUSH26, PUSH1 9 + 6 = 15.
  // ret(0, 128): PUSH1 3, PUSH0 2.
  EXPECT_EQ(gas_used(), 14 + 15 + 14 + 15 + 14 + 15 + 5);
}

TEST_F(EvmTest, ReturndatacopyOutOfBoundsHalts) {
  set_code(other, mstore(0, 0x1234) + ret(0, 32));
  const Code call_other = call(OP_GAS, other) + OP_POP;

  TxResult r = execute(call_other + returndatacopy(0, 0, 32) + ret(0, 32));
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(output_word(r), 0x1234);
  // call: five PUSH0 10, PUSH20 3, GAS 2; CALL 100 + 2,500 (cold); the callee's PUSH2 3, PUSH0 2,
  // MSTORE 6, PUSH1 3, PUSH0 2 = 16; POP 2; returndatacopy: PUSH1, PUSH0, PUSH0 7, 3, one word 3,
  // memory 3; ret(0, 32) 5.
  EXPECT_EQ(gas_used(), 15 + 2600 + 16 + 2 + 16 + 5);

  struct Case {
    Code program;
    Status status;
  };
  const Case cases[] = {
      {call_other + returndatacopy(0, 1, 32), Status::return_data_overrun},
      // The end counts even when nothing is copied.
      {call_other + returndatacopy(0, 33, 0), Status::return_data_overrun},
      {call_other + returndatacopy(0, 32, 0), Status::success},
      {call_other + returndatacopy(0, k_max, 0), Status::return_data_overrun},
      {call_other + returndatacopy(0, k_max, 2), Status::return_data_overrun},
      // No call yet: the return data is empty.
      {returndatacopy(0, 0, 0), Status::success},
      {returndatacopy(0, 0, 1), Status::return_data_overrun},
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    r = execute(cases[i].program);
    EXPECT_EQ(r.status, cases[i].status) << i;
    if (r.status != Status::success) {
      EXPECT_EQ(r.gas_left, 0) << i;
      EXPECT_TRUE(r.output.empty()) << i;
    }
  }
}

TEST_F(EvmTest, JumpsOnlyLandOnJumpdestOutsidePushData) {
  // PUSH1 0x5b; PUSH1 1; JUMP: byte 1 is 0x5b but it is PUSH1's data.
  TxResult r = execute(Code::from_hex("605b600156"));
  EXPECT_EQ(r.status, Status::bad_jump_destination);
  EXPECT_EQ(r.gas_left, 0);
  // PUSH1 4; JUMP; INVALID; JUMPDEST; STOP: 3 + 8 + 1.
  r = execute(Code::from_hex("600456fe5b00"));
  EXPECT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 12);
  // A PUSH3 cut short by the end of the code still owns the bytes it has.
  r = execute(Code::from_hex("600456625b"));
  EXPECT_EQ(r.status, Status::bad_jump_destination);
  // Past the end, and beyond 64 bits (2^64 + 4 must not wrap to 4).
  EXPECT_EQ(execute(jump(1000)).status, Status::bad_jump_destination);
  // PUSH9 and JUMP are 11 bytes, so the JUMPDEST is at 11.
  EXPECT_EQ(execute(jump((uint256(1) << 64) + 11) + OP_JUMPDEST).status,
            Status::bad_jump_destination);
  // JUMPI not taken never looks at the destination: PUSH0 2, PUSH1 3, JUMPI 10.
  r = execute(jumpi(1, 0));
  EXPECT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 15);
  // Taken, into PUSH data: PUSH1 1, PUSH1 3, JUMPI, JUMPDEST; byte 3 is the second PUSH1's data.
  EXPECT_EQ(execute(jumpi(3, 1) + Code::from_hex("5b")).status, Status::bad_jump_destination);
}

TEST_F(EvmTest, StackLimits) {
  TxResult r = execute(push(1) + OP_ADD);
  EXPECT_EQ(r.status, Status::stack_underflow);
  EXPECT_EQ(r.gas_left, 0);
  // 1,024 items fit: 1,024 PUSH0 at 2 each.
  r = execute(repeat(1024, OP_PUSH0));
  EXPECT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 2048);
  r = execute(repeat(1025, OP_PUSH0));
  EXPECT_EQ(r.status, Status::stack_overflow);
  EXPECT_EQ(r.gas_left, 0);
  EXPECT_EQ(execute(repeat(1024, OP_PUSH0) + OP_DUP1).status, Status::stack_overflow);
  r = execute(repeat(1023, OP_PUSH0) + OP_DUP16);
  EXPECT_EQ(r.status, Status::success);
  EXPECT_EQ(gas_used(), 1023 * 2 + 3);
  // Operations that shrink the stack run at 1,024.
  EXPECT_EQ(execute(repeat(1024, OP_PUSH0) + OP_ADD).status, Status::success);
  EXPECT_EQ(execute(repeat(1024, OP_PUSH0) + OP_SWAP16).status, Status::success);
  EXPECT_EQ(execute(repeat(16, OP_PUSH0) + OP_SWAP16).status, Status::stack_underflow);
  EXPECT_EQ(execute(repeat(15, OP_PUSH0) + OP_DUP16).status, Status::stack_underflow);
}

TEST_F(EvmTest, BlobhashReadsTheTransactionsHashes) {
  const Code program = mstore(0, op(OP_BLOBHASH, 0)) + mstore(32, op(OP_BLOBHASH, 1)) +
                       mstore(64, op(OP_BLOBHASH, 2)) + mstore(96, op(OP_BLOBHASH, k_min)) +
                       ret(0, 128);
  // Each mstore(offset, blobhash(i)): the two pushes, BLOBHASH 3, MSTORE 3 and one new word 3:
  // (PUSH0, PUSH0) for i = 0, PUSH1 or PUSH32 and PUSH1 for the others; ret(0, 128) 5.
  const std::int64_t gas = (2 + 2 + 9) + (3 + 3 + 9) * 3 + 5;
  blob_hashes = {hash_from_hex("01" + std::string(62, 'a')),
                 hash_from_hex("01" + std::string(62, 'b'))};
  TxResult r = execute(program);
  ASSERT_EQ(r.status, Status::success);
  Bytes expected(128, 0);
  std::copy(blob_hashes[0].bytes.begin(), blob_hashes[0].bytes.end(), expected.begin());
  std::copy(blob_hashes[1].bytes.begin(), blob_hashes[1].bytes.end(), expected.begin() + 32);
  EXPECT_EQ(r.output, expected);
  EXPECT_EQ(gas_used(), gas);

  blob_hashes.clear();
  r = execute(program);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(r.output, Bytes(128, 0));
  EXPECT_EQ(gas_used(), gas);
}

// BLOCKHASH answers for the 256 blocks before the current one (1,000 here), zero otherwise.
TEST_F(EvmTest, BlockhashCoversThe256PreviousBlocks) {
  struct Case {
    uint256 number;
    uint256 expected;
  };
  const Case cases[] = {
      {999, uint256::from_hash(test_block_hash(999))},
      {744, uint256::from_hash(test_block_hash(744))},  // 1000 - 256
      {743, 0},
      {1000, 0},
      {1001, 0},
      {0, 0},
      {(uint256(1) << 64) + 999, 0},  // must not be read as 999
  };
  for (const Case& c : cases) {
    const TxResult r = execute(op(OP_BLOCKHASH, c.number) + ret_top());
    ASSERT_EQ(r.status, Status::success);
    EXPECT_EQ(output_word(r), c.expected) << to_string(c.number);
  }
  // PUSH2 3, BLOCKHASH 20, ret_top 13.
  execute(op(OP_BLOCKHASH, 999) + ret_top());
  EXPECT_EQ(gas_used(), 36);
  // Early in the chain, block 0 is in the window.
  block.number = 10;
  EXPECT_EQ(output_word(execute(op(OP_BLOCKHASH, 0) + ret_top())),
            uint256::from_hash(test_block_hash(0)));
}

}  // namespace
}  // namespace rollup::evm
