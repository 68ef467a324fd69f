#pragma once
// A bytecode builder for EVM tests, so that a program reads like the code it stands for:
//
//   sstore(0, OP_CALLVALUE) + ret(0, 32)       helpers take the operands in stack order, top first
//   push(7) + push(1) + OP_SHL + ret_top()      raw instructions
//
// Every operand is itself a Code: a number or an address pushes itself (the shortest PUSH, PUSH0
// for zero) and an opcode is that one instruction, so `mstore(0, OP_GAS)` stores what GAS gives.
// Gas figures in the tests count PUSH0 as 2 and every other PUSH as 3, so which PUSH a value gets
// matters: push() always picks the shortest one.
//
// Beware that two opcodes added together are two integers (`OP_ADD + OP_POP` is 0x51): start the
// sum with a Code, as every helper returns one.

#include <cstdint>
#include <string_view>

#include "rollup/base/bytes.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/evm/opcodes.hpp"

namespace rollup::evm::bytecode {

class Code {
 public:
  Code() = default;
  Code(Opcode op) : m_bytes{op} {}  // NOLINT: implicit by design, an opcode is a program
  Code(std::uint64_t value);        // NOLINT: pushes the value
  Code(const uint256& value);       // NOLINT: pushes the value
  Code(const Address& address);     // NOLINT: PUSH20 of the address
  explicit Code(Bytes bytes) : m_bytes(std::move(bytes)) {}

  // Raw bytes from hex, for programs copied from a specification (which names its source).
  static Code from_hex(std::string_view text) {
    auto bytes = hex::decode(text, hex::Prefix::optional);
    return Code(bytes ? *bytes : Bytes{});
  }

  Code& operator+=(const Code& other) {
    m_bytes.insert(m_bytes.end(), other.m_bytes.begin(), other.m_bytes.end());
    return *this;
  }
  friend Code operator+(Code a, const Code& b) { return a += b; }

  [[nodiscard]] const Bytes& bytes() const noexcept { return m_bytes; }
  [[nodiscard]] std::size_t size() const noexcept { return m_bytes.size(); }
  operator ByteView() const noexcept { return m_bytes; }  // NOLINT: code is bytes

 private:
  Bytes m_bytes;
};

// PUSHn of exactly these bytes (1 to 32 of them).
inline Code push_bytes(ByteView data) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(OP_PUSH1 + data.size() - 1));
  out.insert(out.end(), data.begin(), data.end());
  return Code(std::move(out));
}

// PUSHn of `value` in exactly `width` bytes: for jump destinations whose own size must be known
// before the code around them is.
inline Code push_width(std::size_t width, const uint256& value) {
  const auto be = value.to_be();
  return push_bytes(ByteView{be}.subspan(32 - width));
}

// The shortest push of `value`; PUSH0 for zero.
inline Code push(const uint256& value) {
  if (value.is_zero()) return Code(OP_PUSH0);
  return push_width(value.byte_length(), value);
}

inline Code::Code(std::uint64_t value) : Code(push(uint256(value))) {}
inline Code::Code(const uint256& value) : Code(push(value)) {}
inline Code::Code(const Address& address) : Code(push_bytes(address.view())) {}

inline Code repeat(std::size_t times, const Code& code) {
  Code out;
  for (std::size_t i = 0; i < times; ++i) out += code;
  return out;
}

// `op` with its operands, `args` top of the stack first: op(OP_SUB, 10, 3) computes 10 - 3.
template <typename... Args>
Code op(Opcode opcode, const Args&... args) {
  Code out;
  const Code operands[] = {Code(args)..., Code()};
  for (std::size_t i = sizeof...(Args); i-- > 0;) out += operands[i];
  return out + opcode;
}

inline Code mstore(const Code& offset, const Code& value) {
  return op(OP_MSTORE, offset, value);
}
inline Code mstore8(const Code& offset, const Code& value) {
  return op(OP_MSTORE8, offset, value);
}
inline Code mload(const Code& offset) {
  return op(OP_MLOAD, offset);
}
inline Code sstore(const Code& slot, const Code& value) {
  return op(OP_SSTORE, slot, value);
}
inline Code sload(const Code& slot) {
  return op(OP_SLOAD, slot);
}
inline Code tstore(const Code& slot, const Code& value) {
  return op(OP_TSTORE, slot, value);
}
inline Code tload(const Code& slot) {
  return op(OP_TLOAD, slot);
}
inline Code balance(const Code& address) {
  return op(OP_BALANCE, address);
}
inline Code calldataload(const Code& offset) {
  return op(OP_CALLDATALOAD, offset);
}
inline Code calldatacopy(const Code& dest, const Code& offset, const Code& size) {
  return op(OP_CALLDATACOPY, dest, offset, size);
}
inline Code returndatacopy(const Code& dest, const Code& offset, const Code& size) {
  return op(OP_RETURNDATACOPY, dest, offset, size);
}
inline Code mcopy(const Code& dest, const Code& src, const Code& size) {
  return op(OP_MCOPY, dest, src, size);
}
inline Code jump(const Code& dest) {
  return op(OP_JUMP, dest);
}
inline Code jumpi(const Code& dest, const Code& condition) {
  return op(OP_JUMPI, dest, condition);
}
inline Code log0(const Code& offset, const Code& size) {
  return op(OP_LOG0, offset, size);
}
inline Code log1(const Code& offset, const Code& size, const Code& topic) {
  return op(OP_LOG1, offset, size, topic);
}
inline Code ret(const Code& offset, const Code& size) {
  return op(OP_RETURN, offset, size);
}
inline Code revert(const Code& offset, const Code& size) {
  return op(OP_REVERT, offset, size);
}
// Returns the word on top of the stack: PUSH0 MSTORE PUSH1 32 PUSH0 RETURN, 10 gas plus the first
// memory word's 3 when memory is still empty.
inline Code ret_top() {
  return op(OP_MSTORE, 0) + ret(0, 32);
}

inline Code call(const Code& gas, const Code& address, const Code& value = 0,
                 const Code& in_offset = 0, const Code& in_size = 0, const Code& out_offset = 0,
                 const Code& out_size = 0) {
  return op(OP_CALL, gas, address, value, in_offset, in_size, out_offset, out_size);
}
inline Code callcode(const Code& gas, const Code& address, const Code& value = 0,
                     const Code& in_offset = 0, const Code& in_size = 0, const Code& out_offset = 0,
                     const Code& out_size = 0) {
  return op(OP_CALLCODE, gas, address, value, in_offset, in_size, out_offset, out_size);
}
inline Code staticcall(const Code& gas, const Code& address, const Code& in_offset = 0,
                       const Code& in_size = 0, const Code& out_offset = 0,
                       const Code& out_size = 0) {
  return op(OP_STATICCALL, gas, address, in_offset, in_size, out_offset, out_size);
}
inline Code delegatecall(const Code& gas, const Code& address, const Code& in_offset = 0,
                         const Code& in_size = 0, const Code& out_offset = 0,
                         const Code& out_size = 0) {
  return op(OP_DELEGATECALL, gas, address, in_offset, in_size, out_offset, out_size);
}
inline Code create(const Code& value, const Code& offset, const Code& size) {
  return op(OP_CREATE, value, offset, size);
}
inline Code create2(const Code& value, const Code& offset, const Code& size, const Code& salt) {
  return op(OP_CREATE2, value, offset, size, salt);
}
inline Code selfdestruct(const Code& beneficiary) {
  return op(OP_SELFDESTRUCT, beneficiary);
}

// Initcode that deploys `runtime`: copies the bytes after itself to memory and returns them. The
// prefix has a fixed size (PUSH2 for every length and offset), so it knows where runtime starts.
inline Code deploy(const Code& runtime) {
  constexpr std::size_t k_prefix = 3 + 3 + 1 + 1 + 3 + 1 + 1;
  const Code size = push_width(2, runtime.size());
  return size + push_width(2, k_prefix) + OP_PUSH0 + OP_CODECOPY + size + OP_PUSH0 + OP_RETURN +
         runtime;
}

// Writes `data` to memory from `at`, one MSTORE per 32-byte chunk (the last one padded with zeros
// on the right): how a program builds initcode for CREATE, or call data.
inline Code store_in_memory(ByteView data, std::uint64_t at = 0) {
  Code out;
  for (std::size_t i = 0; i < data.size(); i += 32) {
    std::uint8_t chunk[32] = {};
    const std::size_t n = std::min<std::size_t>(32, data.size() - i);
    std::copy(data.begin() + static_cast<std::ptrdiff_t>(i),
              data.begin() + static_cast<std::ptrdiff_t>(i + n), chunk);
    out += mstore(at + i, uint256::from_be(chunk));
  }
  return out;
}

}  // namespace rollup::evm::bytecode
