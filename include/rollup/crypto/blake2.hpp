#pragma once
// The BLAKE2b compression function F (RFC 7693 section 3.2) with a caller-chosen round count, as
// the EVM precompile 0x09 exposes it (EIP-152). A full BLAKE2b hash is 12 rounds of F over each
// 128-byte block; EIP-152 lets contracts pick any 32-bit round count, so the message schedule is
// taken round % 10 rather than from a table of 12 rows.

#include <array>
#include <cstdint>

namespace rollup::crypto {

// Updates the state h in place: h ^= v[0..8] ^ v[8..16] after `rounds` rounds over the message
// block m with offset counter t. Every word is a host integer; EIP-152's little-endian wire form
// is the precompile's business. Runs in time linear in `rounds` (2^32 - 1 takes about a minute).
void blake2b_compress(std::uint32_t rounds, std::array<std::uint64_t, 8>& h,
                      const std::array<std::uint64_t, 16>& m, const std::array<std::uint64_t, 2>& t,
                      bool final_block) noexcept;

}  // namespace rollup::crypto
