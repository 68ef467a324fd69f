#pragma once
// The precompiled contracts of Cancun at addresses 0x01..0x0a, with their gas rules as
// ethereum/execution-specs and geth apply them.
//
// Invariants:
//  - Pure functions of (address, input, gas): no state, no I/O, and the same answer on every node.
//  - A result is one of three: success with gas_left = gas - cost and the output (which may be
//    empty, as ecrecover's is for a bad signature); out_of_gas when the cost exceeds `gas`;
//    failure for input the contract refuses. The last two consume all the gas and return nothing,
//    like any exceptional halt of a call.
//  - Costs that would not fit in 64 bits (modexp with lengths near 2^256) are out_of_gas whatever
//    `gas` is, and nothing sized by them is ever allocated. Below that, the memory and time a call
//    takes grow with the gas it is charged, which is what the gas rules are for.
//
// The curve arithmetic is the crypto module's own: bn254 (0x06..0x08) and BLS12-381 with the
// mainnet KZG setup's [tau]G2 (0x0a).

#include <cstdint>

#include "rollup/base/bytes.hpp"

namespace rollup::evm {

enum class PrecompileStatus { success, out_of_gas, failure };

struct PrecompileResult {
  PrecompileStatus status = PrecompileStatus::failure;
  std::uint64_t gas_left = 0;  // 0 unless success
  Bytes output;                // empty unless success
};

// Cancun's precompiled contracts are the addresses 0x01..0x0a.
// The highest precompile address's last byte: Cancun's run from 0x01 to 0x0a.
inline constexpr std::uint8_t k_last_precompile = 0x0a;
[[nodiscard]] bool is_precompile(const Address& address) noexcept;

// Runs the precompile at `address` (is_precompile must hold) on `input` with `gas` available.
// The gas cost is charged first: not enough gas -> out_of_gas; invalid input -> failure. In both
// cases all the gas is consumed (the caller sees gas_left 0 and no output).
[[nodiscard]] PrecompileResult run_precompile(const Address& address, ByteView input,
                                              std::uint64_t gas);

}  // namespace rollup::evm
