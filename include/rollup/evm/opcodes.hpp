#pragma once
// The EVM's instruction set as Cancun defines it. Every fact about an opcode is written once, in
// ROLLUP_EVM_OPCODES below: its byte, the stack items it needs and leaves, its static gas, and the
// fork that introduced it. The interpreter's checks (undefined opcode, stack underflow and
// overflow, static gas) and the disassembler read this one table.
//
// The gas column is the part every execution of the opcode pays, charged before the opcode runs.
// Costs that depend on operands (memory expansion, copy words, EXP's exponent, cold accounts and
// slots under EIP-2929, SSTORE's EIP-2200 schedule, call and creation costs) are charged by the
// opcode itself on top. Opcodes whose whole cost depends on state (SLOAD, BALANCE, EXTCODE*, CALL*)
// list the warm access cost, 100, which every execution pays; a cold access adds the difference.

#include <array>
#include <cstdint>
#include <string_view>

namespace rollup::evm {

enum class Fork : std::uint8_t {
  frontier,
  homestead,
  byzantium,
  constantinople,
  istanbul,
  london,
  shanghai,
  cancun,
};

// X(NAME, byte, stack_in, stack_out, static_gas, fork)
// clang-format off
#define ROLLUP_EVM_OPCODES(X)                                  \
  X(STOP, 0x00, 0, 0, 0, frontier)                             \
  X(ADD, 0x01, 2, 1, 3, frontier)                              \
  X(MUL, 0x02, 2, 1, 5, frontier)                              \
  X(SUB, 0x03, 2, 1, 3, frontier)                              \
  X(DIV, 0x04, 2, 1, 5, frontier)                              \
  X(SDIV, 0x05, 2, 1, 5, frontier)                             \
  X(MOD, 0x06, 2, 1, 5, frontier)                              \
  X(SMOD, 0x07, 2, 1, 5, frontier)                             \
  X(ADDMOD, 0x08, 3, 1, 8, frontier)                           \
  X(MULMOD, 0x09, 3, 1, 8, frontier)                           \
  X(EXP, 0x0a, 2, 1, 10, frontier)                             \
  X(SIGNEXTEND, 0x0b, 2, 1, 5, frontier)                       \
  X(LT, 0x10, 2, 1, 3, frontier)                               \
  X(GT, 0x11, 2, 1, 3, frontier)                               \
  X(SLT, 0x12, 2, 1, 3, frontier)                              \
  X(SGT, 0x13, 2, 1, 3, frontier)                              \
  X(EQ, 0x14, 2, 1, 3, frontier)                               \
  X(ISZERO, 0x15, 1, 1, 3, frontier)                           \
  X(AND, 0x16, 2, 1, 3, frontier)                              \
  X(OR, 0x17, 2, 1, 3, frontier)                               \
  X(XOR, 0x18, 2, 1, 3, frontier)                              \
  X(NOT, 0x19, 1, 1, 3, frontier)                              \
  X(BYTE, 0x1a, 2, 1, 3, frontier)                             \
  X(SHL, 0x1b, 2, 1, 3, constantinople)                        \
  X(SHR, 0x1c, 2, 1, 3, constantinople)                        \
  X(SAR, 0x1d, 2, 1, 3, constantinople)                        \
  X(KECCAK256, 0x20, 2, 1, 30, frontier)                       \
  X(ADDRESS, 0x30, 0, 1, 2, frontier)                          \
  X(BALANCE, 0x31, 1, 1, 100, frontier)                        \
  X(ORIGIN, 0x32, 0, 1, 2, frontier)                           \
  X(CALLER, 0x33, 0, 1, 2, frontier)                           \
  X(CALLVALUE, 0x34, 0, 1, 2, frontier)                        \
  X(CALLDATALOAD, 0x35, 1, 1, 3, frontier)                     \
  X(CALLDATASIZE, 0x36, 0, 1, 2, frontier)                     \
  X(CALLDATACOPY, 0x37, 3, 0, 3, frontier)                     \
  X(CODESIZE, 0x38, 0, 1, 2, frontier)                         \
  X(CODECOPY, 0x39, 3, 0, 3, frontier)                         \
  X(GASPRICE, 0x3a, 0, 1, 2, frontier)                         \
  X(EXTCODESIZE, 0x3b, 1, 1, 100, frontier)                    \
  X(EXTCODECOPY, 0x3c, 4, 0, 100, frontier)                    \
  X(RETURNDATASIZE, 0x3d, 0, 1, 2, byzantium)                  \
  X(RETURNDATACOPY, 0x3e, 3, 0, 3, byzantium)                  \
  X(EXTCODEHASH, 0x3f, 1, 1, 100, constantinople)              \
  X(BLOCKHASH, 0x40, 1, 1, 20, frontier)                       \
  X(COINBASE, 0x41, 0, 1, 2, frontier)                         \
  X(TIMESTAMP, 0x42, 0, 1, 2, frontier)                        \
  X(NUMBER, 0x43, 0, 1, 2, frontier)                           \
  X(PREVRANDAO, 0x44, 0, 1, 2, frontier)                       \
  X(GASLIMIT, 0x45, 0, 1, 2, frontier)                         \
  X(CHAINID, 0x46, 0, 1, 2, istanbul)                          \
  X(SELFBALANCE, 0x47, 0, 1, 5, istanbul)                      \
  X(BASEFEE, 0x48, 0, 1, 2, london)                            \
  X(BLOBHASH, 0x49, 1, 1, 3, cancun)                           \
  X(BLOBBASEFEE, 0x4a, 0, 1, 2, cancun)                        \
  X(POP, 0x50, 1, 0, 2, frontier)                              \
  X(MLOAD, 0x51, 1, 1, 3, frontier)                            \
  X(MSTORE, 0x52, 2, 0, 3, frontier)                           \
  X(MSTORE8, 0x53, 2, 0, 3, frontier)                          \
  X(SLOAD, 0x54, 1, 1, 100, frontier)                          \
  X(SSTORE, 0x55, 2, 0, 0, frontier)                           \
  X(JUMP, 0x56, 1, 0, 8, frontier)                             \
  X(JUMPI, 0x57, 2, 0, 10, frontier)                           \
  X(PC, 0x58, 0, 1, 2, frontier)                               \
  X(MSIZE, 0x59, 0, 1, 2, frontier)                            \
  X(GAS, 0x5a, 0, 1, 2, frontier)                              \
  X(JUMPDEST, 0x5b, 0, 0, 1, frontier)                         \
  X(TLOAD, 0x5c, 1, 1, 100, cancun)                            \
  X(TSTORE, 0x5d, 2, 0, 100, cancun)                           \
  X(MCOPY, 0x5e, 3, 0, 3, cancun)                              \
  X(PUSH0, 0x5f, 0, 1, 2, shanghai)                            \
  X(PUSH1, 0x60, 0, 1, 3, frontier)                            \
  X(PUSH2, 0x61, 0, 1, 3, frontier)                            \
  X(PUSH3, 0x62, 0, 1, 3, frontier)                            \
  X(PUSH4, 0x63, 0, 1, 3, frontier)                            \
  X(PUSH5, 0x64, 0, 1, 3, frontier)                            \
  X(PUSH6, 0x65, 0, 1, 3, frontier)                            \
  X(PUSH7, 0x66, 0, 1, 3, frontier)                            \
  X(PUSH8, 0x67, 0, 1, 3, frontier)                            \
  X(PUSH9, 0x68, 0, 1, 3, frontier)                            \
  X(PUSH10, 0x69, 0, 1, 3, frontier)                           \
  X(PUSH11, 0x6a, 0, 1, 3, frontier)                           \
  X(PUSH12, 0x6b, 0, 1, 3, frontier)                           \
  X(PUSH13, 0x6c, 0, 1, 3, frontier)                           \
  X(PUSH14, 0x6d, 0, 1, 3, frontier)                           \
  X(PUSH15, 0x6e, 0, 1, 3, frontier)                           \
  X(PUSH16, 0x6f, 0, 1, 3, frontier)                           \
  X(PUSH17, 0x70, 0, 1, 3, frontier)                           \
  X(PUSH18, 0x71, 0, 1, 3, frontier)                           \
  X(PUSH19, 0x72, 0, 1, 3, frontier)                           \
  X(PUSH20, 0x73, 0, 1, 3, frontier)                           \
  X(PUSH21, 0x74, 0, 1, 3, frontier)                           \
  X(PUSH22, 0x75, 0, 1, 3, frontier)                           \
  X(PUSH23, 0x76, 0, 1, 3, frontier)                           \
  X(PUSH24, 0x77, 0, 1, 3, frontier)                           \
  X(PUSH25, 0x78, 0, 1, 3, frontier)                           \
  X(PUSH26, 0x79, 0, 1, 3, frontier)                           \
  X(PUSH27, 0x7a, 0, 1, 3, frontier)                           \
  X(PUSH28, 0x7b, 0, 1, 3, frontier)                           \
  X(PUSH29, 0x7c, 0, 1, 3, frontier)                           \
  X(PUSH30, 0x7d, 0, 1, 3, frontier)                           \
  X(PUSH31, 0x7e, 0, 1, 3, frontier)                           \
  X(PUSH32, 0x7f, 0, 1, 3, frontier)                           \
  X(DUP1, 0x80, 1, 2, 3, frontier)                             \
  X(DUP2, 0x81, 2, 3, 3, frontier)                             \
  X(DUP3, 0x82, 3, 4, 3, frontier)                             \
  X(DUP4, 0x83, 4, 5, 3, frontier)                             \
  X(DUP5, 0x84, 5, 6, 3, frontier)                             \
  X(DUP6, 0x85, 6, 7, 3, frontier)                             \
  X(DUP7, 0x86, 7, 8, 3, frontier)                             \
  X(DUP8, 0x87, 8, 9, 3, frontier)                             \
  X(DUP9, 0x88, 9, 10, 3, frontier)                            \
  X(DUP10, 0x89, 10, 11, 3, frontier)                          \
  X(DUP11, 0x8a, 11, 12, 3, frontier)                          \
  X(DUP12, 0x8b, 12, 13, 3, frontier)                          \
  X(DUP13, 0x8c, 13, 14, 3, frontier)                          \
  X(DUP14, 0x8d, 14, 15, 3, frontier)                          \
  X(DUP15, 0x8e, 15, 16, 3, frontier)                          \
  X(DUP16, 0x8f, 16, 17, 3, frontier)                          \
  X(SWAP1, 0x90, 2, 2, 3, frontier)                            \
  X(SWAP2, 0x91, 3, 3, 3, frontier)                            \
  X(SWAP3, 0x92, 4, 4, 3, frontier)                            \
  X(SWAP4, 0x93, 5, 5, 3, frontier)                            \
  X(SWAP5, 0x94, 6, 6, 3, frontier)                            \
  X(SWAP6, 0x95, 7, 7, 3, frontier)                            \
  X(SWAP7, 0x96, 8, 8, 3, frontier)                            \
  X(SWAP8, 0x97, 9, 9, 3, frontier)                            \
  X(SWAP9, 0x98, 10, 10, 3, frontier)                          \
  X(SWAP10, 0x99, 11, 11, 3, frontier)                         \
  X(SWAP11, 0x9a, 12, 12, 3, frontier)                         \
  X(SWAP12, 0x9b, 13, 13, 3, frontier)                         \
  X(SWAP13, 0x9c, 14, 14, 3, frontier)                         \
  X(SWAP14, 0x9d, 15, 15, 3, frontier)                         \
  X(SWAP15, 0x9e, 16, 16, 3, frontier)                         \
  X(SWAP16, 0x9f, 17, 17, 3, frontier)                         \
  X(LOG0, 0xa0, 2, 0, 375, frontier)                           \
  X(LOG1, 0xa1, 3, 0, 750, frontier)                           \
  X(LOG2, 0xa2, 4, 0, 1125, frontier)                          \
  X(LOG3, 0xa3, 5, 0, 1500, frontier)                          \
  X(LOG4, 0xa4, 6, 0, 1875, frontier)                          \
  X(CREATE, 0xf0, 3, 1, 32000, frontier)                       \
  X(CALL, 0xf1, 7, 1, 100, frontier)                           \
  X(CALLCODE, 0xf2, 7, 1, 100, frontier)                       \
  X(RETURN, 0xf3, 2, 0, 0, frontier)                           \
  X(DELEGATECALL, 0xf4, 6, 1, 100, homestead)                  \
  X(CREATE2, 0xf5, 4, 1, 32000, constantinople)                \
  X(STATICCALL, 0xfa, 6, 1, 100, byzantium)                    \
  X(REVERT, 0xfd, 2, 0, 0, byzantium)                          \
  X(INVALID, 0xfe, 0, 0, 0, frontier)                          \
  X(SELFDESTRUCT, 0xff, 1, 0, 5000, frontier)
// clang-format on

enum Opcode : std::uint8_t {
#define ROLLUP_EVM_ENUM(name, byte, in, out, gas, fork) OP_##name = byte,
  ROLLUP_EVM_OPCODES(ROLLUP_EVM_ENUM)
#undef ROLLUP_EVM_ENUM
};

struct OpcodeInfo {
  std::string_view name;  // empty: no instruction has this byte
  std::uint8_t stack_in = 0;
  std::uint8_t stack_out = 0;
  std::uint16_t gas = 0;
  Fork since = Fork::frontier;
  // stack_out - stack_in: the stack-height limit is checked once, before the opcode runs.
  std::int8_t stack_change = 0;
  // INVALID (0xfe) is defined, and halts exceptionally like an unassigned byte.
  [[nodiscard]] constexpr bool defined() const noexcept { return !name.empty(); }
};

namespace detail {
consteval std::array<OpcodeInfo, 256> make_opcode_table() {
  std::array<OpcodeInfo, 256> table{};
#define ROLLUP_EVM_INFO(n, byte, in, out, g, fork) \
  table[byte] = OpcodeInfo{#n, in, out, g, Fork::fork, static_cast<std::int8_t>(out - in)};
  ROLLUP_EVM_OPCODES(ROLLUP_EVM_INFO)
#undef ROLLUP_EVM_INFO
  return table;
}
}  // namespace detail

inline constexpr std::array<OpcodeInfo, 256> k_opcodes = detail::make_opcode_table();

// The EVM's stack holds at most 1024 words; calls and creations nest at most 1024 deep.
inline constexpr int k_stack_limit = 1024;
inline constexpr int k_call_depth_limit = 1024;

}  // namespace rollup::evm
