// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Compute-heavy loops for the EVM benchmarks (bench/evmbench.cpp and bench/evm_vs_anvil.mjs).
/// Each function does `rounds` iterations of one kind of work, so the gas of a call grows with
/// `rounds` and a benchmark can pick a size that fills its gas budget.
contract Bench {
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    /// Hash chaining: KECCAK256 over 64 bytes per round, in the scratch space (abi.encodePacked
    /// would allocate fresh memory every round and make the loop memory-bound).
    function keccakLoop(uint256 rounds) external pure returns (bytes32 h) {
        assembly {
            for { let i := 0 } lt(i, rounds) { i := add(i, 1) } {
                mstore(0x00, h)
                mstore(0x20, i)
                h := keccak256(0x00, 0x40)
            }
        }
    }

    /// Arithmetic and memory: multiply, add, shift, modulo and division on a running value, with
    /// reads and writes into a small memory array.
    function arithLoop(uint256 rounds) external pure returns (uint256 acc) {
        uint256[16] memory buf;
        acc = 1;
        unchecked {
            for (uint256 i = 0; i < rounds; ++i) {
                acc = acc * 6364136223846793005 + 1442695040888963407;
                buf[i & 15] ^= acc;
                acc ^= buf[(i * 7) & 15] >> 3;
                acc = (acc % 0xffffffffffffffc5) + acc / 3;
            }
        }
    }

    /// ERC-20 style transfers: a balance check, two storage updates and a Transfer event per round,
    /// among 64 holders that each start with `rounds` tokens, so that after the first touches the
    /// rounds update non-zero balances in warm slots, as transfers between busy accounts do.
    function transferLoop(uint256 rounds) external returns (uint256 moved) {
        for (uint256 k = 1; k <= 64; ++k) {
            balanceOf[address(uint160(k))] += rounds;
        }
        for (uint256 i = 0; i < rounds; ++i) {
            address from = address(uint160(1 + (i % 64)));
            address to = address(uint160(1 + ((i * 7 + 3) % 64)));
            require(balanceOf[from] >= 1, "Bench: insufficient balance");
            unchecked {
                balanceOf[from] -= 1;
                balanceOf[to] += 1;
            }
            emit Transfer(from, to, 1);
            moved += 1;
        }
    }
}
