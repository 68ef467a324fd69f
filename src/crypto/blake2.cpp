#include "rollup/crypto/blake2.hpp"

#include <bit>
#include <cstddef>

namespace rollup::crypto {
namespace {

// RFC 7693 section 2.6: the SHA-512 initialisation vector.
constexpr std::array<std::uint64_t, 8> k_iv = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

// RFC 7693 section 2.7: the message word permutations. BLAKE2b's own 12 rounds reuse rows 0 and 1
// for rounds 10 and 11, which is the same as indexing by round % 10, the rule EIP-152 states.
constexpr std::uint8_t k_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

// The mixing function G (RFC 7693 section 3.1) with BLAKE2b's rotation distances 32, 24, 16, 63.
inline void mix(std::uint64_t v[16], std::size_t a, std::size_t b, std::size_t c, std::size_t d,
                std::uint64_t x, std::uint64_t y) noexcept {
  v[a] = v[a] + v[b] + x;
  v[d] = std::rotr(v[d] ^ v[a], 32);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 24);
  v[a] = v[a] + v[b] + y;
  v[d] = std::rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 63);
}

// One round with the schedule row fixed at compile time, so every message word is read from a
// constant position and the whole state can stay in registers.
template <std::size_t Row>
inline void mix_round(std::uint64_t v[16], const std::array<std::uint64_t, 16>& m) noexcept {
  constexpr const std::uint8_t* s = k_sigma[Row];
  mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
  mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
  mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
  mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
  mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
  mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
  mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
  mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
}

// The first `count` rounds of one 10-round cycle (count < 10).
void partial_cycle(std::uint64_t v[16], const std::array<std::uint64_t, 16>& m,
                   std::uint32_t count) noexcept {
  using Round = void (*)(std::uint64_t*, const std::array<std::uint64_t, 16>&) noexcept;
  static constexpr Round k_rounds[10] = {mix_round<0>, mix_round<1>, mix_round<2>, mix_round<3>,
                                         mix_round<4>, mix_round<5>, mix_round<6>, mix_round<7>,
                                         mix_round<8>, mix_round<9>};
  for (std::uint32_t i = 0; i < count; ++i) k_rounds[i](v, m);
}

}  // namespace

void blake2b_compress(std::uint32_t rounds, std::array<std::uint64_t, 8>& h,
                      const std::array<std::uint64_t, 16>& m, const std::array<std::uint64_t, 2>& t,
                      bool final_block) noexcept {
  std::uint64_t v[16];
  for (std::size_t i = 0; i < 8; ++i) {
    v[i] = h[i];
    v[i + 8] = k_iv[i];
  }
  v[12] ^= t[0];
  v[13] ^= t[1];
  if (final_block) v[14] = ~v[14];

  // The schedule repeats every 10 rounds (round r uses row r % 10): whole cycles run unrolled,
  // and the remainder takes the first rows of one more.
  for (std::uint32_t cycle = rounds / 10; cycle > 0; --cycle) {
    mix_round<0>(v, m);
    mix_round<1>(v, m);
    mix_round<2>(v, m);
    mix_round<3>(v, m);
    mix_round<4>(v, m);
    mix_round<5>(v, m);
    mix_round<6>(v, m);
    mix_round<7>(v, m);
    mix_round<8>(v, m);
    mix_round<9>(v, m);
  }
  partial_cycle(v, m, rounds % 10);

  for (std::size_t i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

}  // namespace rollup::crypto
