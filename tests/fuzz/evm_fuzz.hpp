#pragma once
// The EVM fuzz target: one input is one transaction against a small fresh state, run through the
// executor (execution::apply_transaction, so the EVM, the Host, the fee and refund rules and the
// end-of-transaction deletions all take part), and checked against invariants that hold for every
// program. The libFuzzer entry point (evm_fuzz.cpp) and the standalone driver (standalone_main.cpp)
// both call run_evm_input.
//
// Input layout; bytes past the end of the input read as zero, so every input is valid:
//   [0..2)  execution gas / 16, little-endian: up to about 1M gas
//   [2]     flags, see k_flag_*
//   [3]     call data length (the bytes after the header)
//   [4..6)  length of contract A's code, little-endian; contract B's code is the rest
//   then the call data, A's code and B's code.
// The transaction calls A (or, with k_flag_create, creates a contract from A's code as initcode).
// A and B live at short addresses (PUSH2 0xaaaa, PUSH2 0xbbbb) so that a program finds them.
//
// Invariants (a violation prints what broke and aborts, so the fuzzer keeps the input):
//  - the transaction is applied (it is valid by construction) and uses at most its gas limit and
//    at least four fifths of its intrinsic gas (the refund takes off up to a fifth);
//  - the state diff passes state::check_diff; new code never starts with 0xEF nor exceeds 24,576
//    bytes; no nonce goes down; the sender's nonce goes up by one;
//  - value is conserved: the sum of all balances is unchanged, less the blob gas fee, which is
//    burnt. A successful transaction may burn more, and only that way: a contract that
//    self-destructs in the transaction that created it loses what it holds (EIP-6780);
//  - a failed transaction has no logs and changes only the sender, the fee recipient and the
//    base-fee vault;
//  - the outcome is deterministic: a second run from the same state gives the same result and the
//    same diff (it also runs the analysed code from the process-wide cache).

#include <cstddef>
#include <cstdint>

#include "rollup/base/bytes.hpp"
#include "rollup/evm/evm.hpp"

namespace rollup::fuzz {

inline constexpr std::size_t k_header_size = 6;

inline constexpr std::uint8_t k_flag_value_mask = 0x03;   // value: 0, 1, 65535 or 1 ether
inline constexpr std::uint8_t k_flag_create = 0x04;       // a creation with A's code as initcode
inline constexpr std::uint8_t k_flag_access_list = 0x08;  // A's slots 0, 1 and B warm
inline constexpr std::uint8_t k_flag_blob = 0x10;         // a blob transaction with two hashes
inline constexpr std::uint8_t k_flag_storage = 0x20;      // A starts with slots 0..3 set
inline constexpr std::uint8_t k_flag_b_balance = 0x40;    // B starts with a balance
inline constexpr std::uint8_t k_flag_no_tip = 0x80;       // no priority fee

[[nodiscard]] inline Address short_address(std::uint16_t value) {
  Address a;
  a.bytes[18] = static_cast<std::uint8_t>(value >> 8);
  a.bytes[19] = static_cast<std::uint8_t>(value);
  return a;
}

inline const Address k_contract_a = short_address(0xaaaa);
inline const Address k_contract_b = short_address(0xbbbb);
inline const Address k_funded_eoa = short_address(0xcccc);  // an account with only a balance

// What one input did, for the standalone driver's summary.
struct EvmOutcome {
  evm::Status status = evm::Status::success;
  bool create = false;
  std::uint64_t gas_used = 0;
  std::uint64_t gas_limit = 0;
  std::size_t logs = 0;
  std::size_t accounts_changed = 0;
};

// Runs the input twice and checks the invariants above; aborts on a violation.
EvmOutcome run_evm_input(ByteView input);

}  // namespace rollup::fuzz
