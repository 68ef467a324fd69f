#pragma once
// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not FIPS 202's 0x06). OpenSSL 3.0
// has no Keccak-256 digest, so the permutation lives here. The same sponge also produces FIPS 202
// SHA3-256, which lets the tests check the permutation against OpenSSL's independent implementation.

#include <cstdint>
#include <span>

#include "rollup/base/bytes.hpp"

namespace rollup::crypto {

// The Keccak-f[1600] permutation over 25 little-endian lanes (lane index x + 5*y).
void keccak_f1600(std::uint64_t state[25]) noexcept;

// Incremental Keccak-family sponge with a 1088-bit rate (the rate of both Keccak-256 and SHA3-256).
class Keccak256 {
 public:
  Keccak256() noexcept = default;
  void update(ByteView data) noexcept;
  // Pads with the given domain byte, squeezes 32 bytes and resets the hasher.
  [[nodiscard]] Hash finalize() noexcept { return finish(0x01); }
  [[nodiscard]] Hash finalize_sha3() noexcept { return finish(0x06); }

 private:
  static constexpr std::size_t k_rate = 136;
  Hash finish(std::uint8_t domain) noexcept;

  std::uint64_t m_state[25]{};
  std::uint8_t m_buffer[k_rate]{};
  std::size_t m_buffered = 0;
};

[[nodiscard]] Hash keccak256(ByteView data) noexcept;
// FIPS 202 SHA3-256 from the same sponge; used to cross-check the permutation against OpenSSL.
[[nodiscard]] Hash sha3_256(ByteView data) noexcept;

// keccak256 of each input, written to the output at the same index (out.size() == in.size()).
// Hashes four inputs at a time in SIMD lanes where the CPU has AVX2, which pays off for batches of
// independent messages such as one level of trie nodes or a set of keys. out must not overlap the
// memory of any input: some digests are written while other inputs are still being read.
void keccak256_many(std::span<const ByteView> in, std::span<Hash> out) noexcept;

namespace detail {
// The kernels keccak256_many can run, exposed so that tests cover each one this CPU supports and
// benchmarks can say which one they measured.
enum class KeccakManyKernel { scalar, avx2, avx512 };
// The kernel keccak256_many uses on this CPU.
[[nodiscard]] KeccakManyKernel keccak256_many_kernel() noexcept;
// keccak256_many with the given kernel; false, with out untouched, when this CPU cannot run it.
bool keccak256_many_with(KeccakManyKernel kernel, std::span<const ByteView> in,
                         std::span<Hash> out) noexcept;
}  // namespace detail

}  // namespace rollup::crypto
