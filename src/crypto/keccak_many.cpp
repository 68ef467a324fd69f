// Batched Keccak-256: four independent sponges advance together, one message per 64-bit element of
// each 256-bit vector ("lane-interleaved": vector j holds lane j of all four states). One vector
// instruction thus does the work of four scalar ones, and the four chains of dependent operations
// give the core more independent work than a single permutation has.
//
// Invariants and data flow:
// - keccak256_many orders each chunk of inputs by block count and hands them to the kernel four
//   at a time, so that lanes of one group mostly need the same number of permutations; a lane
//   whose message is done absorbs zeros (its digest is already taken) until the group ends.
// - The kernel is compiled twice from one generic body (AVX2, and AVX-512VL for vprolq/vpternlogq
//   on the same 256-bit vectors) and chosen once per process; without AVX2 every input goes through
//   the scalar keccak256, which is also the reference every path is tested against.

#include <algorithm>
#include <bit>
#include <cstring>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"

#include "keccak_constants.hpp"

namespace rollup::crypto {
namespace {

static_assert(std::endian::native == std::endian::little,
              "message words are loaded with memcpy; a big-endian port needs byte swaps here");

constexpr std::size_t k_rate = 136;
constexpr std::size_t k_rate_words = k_rate / 8;

// One message of a group. A null out marks a lane that only fills a group of two or three.
struct Lane {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  Hash* out = nullptr;
};

using GroupKernel = void (*)(const Lane (&lanes)[4]) noexcept;

#if defined(__x86_64__) && defined(__GNUC__)

typedef std::uint64_t V4 __attribute__((vector_size(32)));

// Rotation offset of lane x + 5y (rho), from FIPS 202 table 2.
constexpr int k_rho[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                           25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

// pi moves lane (x, y) to (y, 2x + 3y); read backwards, output (x, y) is fed by ((x + 3y) % 5, x).
constexpr int pi_source(int x, int y) {
  return (x + 3 * y) % 5 + 5 * x;
}

// Everything from here to the kernels is always_inline and uses no intrinsics: it is inlined into
// each target-specific kernel and only then turned into instructions, so one source yields both
// the AVX2 code and the AVX-512VL code. It is marked for plain AVX, which both kernels include,
// because GCC warns that passing V4 by value without AVX changes the calling convention; a subset
// of the caller's features still lets it inline. The shift pair in rol is the form GCC turns into
// vprolq when AVX-512VL is on; AVX2 has no 64-bit rotate, so there it stays shift, shift, or.
#define ROLLUP_KECCAK4_INLINE [[gnu::always_inline, gnu::target("avx")]] inline
template <int N>
ROLLUP_KECCAK4_INLINE V4 rol(V4 x) noexcept {
  if constexpr (N == 0) {
    return x;  // a shift by 64 would be undefined
  } else {
    return (x << N) | (x >> (64 - N));
  }
}

// rho, pi and chi for output row Y. The five inputs are named once so that each is computed once
// even though chi reads every one of them three times.
template <int Y>
ROLLUP_KECCAK4_INLINE void rho_pi_chi_row(const V4 (&a)[25], const V4 (&d)[5],
                                          V4 (&e)[25]) noexcept {
  constexpr int s0 = pi_source(0, Y), s1 = pi_source(1, Y), s2 = pi_source(2, Y);
  constexpr int s3 = pi_source(3, Y), s4 = pi_source(4, Y);
  const V4 b0 = rol<k_rho[s0]>(a[s0] ^ d[s0 % 5]);
  const V4 b1 = rol<k_rho[s1]>(a[s1] ^ d[s1 % 5]);
  const V4 b2 = rol<k_rho[s2]>(a[s2] ^ d[s2 % 5]);
  const V4 b3 = rol<k_rho[s3]>(a[s3] ^ d[s3 % 5]);
  const V4 b4 = rol<k_rho[s4]>(a[s4] ^ d[s4 % 5]);
  e[5 * Y + 0] = b0 ^ (~b1 & b2);
  e[5 * Y + 1] = b1 ^ (~b2 & b3);
  e[5 * Y + 2] = b2 ^ (~b3 & b4);
  e[5 * Y + 3] = b3 ^ (~b4 & b0);
  e[5 * Y + 4] = b4 ^ (~b0 & b1);
}

// One round from a into e. Every array index is a compile-time constant once the loops are
// unrolled, which lets the compiler keep the arrays in registers instead of memory.
ROLLUP_KECCAK4_INLINE void round_x4(const V4 (&a)[25], V4 (&e)[25], std::uint64_t rc) noexcept {
  V4 c[5];
#pragma GCC unroll 5
  for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
  V4 d[5];
#pragma GCC unroll 5
  for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rol<1>(c[(x + 1) % 5]);
  rho_pi_chi_row<0>(a, d, e);
  rho_pi_chi_row<1>(a, d, e);
  rho_pi_chi_row<2>(a, d, e);
  rho_pi_chi_row<3>(a, d, e);
  rho_pi_chi_row<4>(a, d, e);
  e[0] ^= rc;
}

// Two rounds per iteration ping-pong between s and e, so no round ends with a copy.
ROLLUP_KECCAK4_INLINE void keccak_f1600_x4(V4 (&s)[25]) noexcept {
  V4 e[25];
  for (int r = 0; r < 24; r += 2) {
    round_x4(s, e, detail::k_keccak_round_constants[r]);
    round_x4(e, s, detail::k_keccak_round_constants[r + 1]);
  }
}

ROLLUP_KECCAK4_INLINE std::uint64_t load_word(const std::uint8_t* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// A lane past its last block XORs this in: absorbing zeros keeps the group in lockstep without a
// per-lane mask, and that lane's digest was already taken.
alignas(64) constexpr std::uint8_t k_zero_block[k_rate] = {};

ROLLUP_KECCAK4_INLINE void hash_group(const Lane (&lanes)[4]) noexcept {
  // Only the last, padded block of each message is copied; whole blocks are read in place.
  alignas(32) std::uint8_t tails[4][k_rate];
  std::size_t full_blocks[4];
  std::size_t group_blocks = 0;
  for (int l = 0; l < 4; ++l) {
    full_blocks[l] = lanes[l].size / k_rate;
    if (lanes[l].out == nullptr) continue;
    const std::size_t tail = lanes[l].size % k_rate;
    std::memset(tails[l], 0, k_rate);
    // An empty input may carry a null pointer, which memcpy must not see.
    if (tail != 0) std::memcpy(tails[l], lanes[l].data + full_blocks[l] * k_rate, tail);
    tails[l][tail] ^= 0x01;  // the original Keccak padding, as Ethereum uses it
    tails[l][k_rate - 1] ^= 0x80;
    group_blocks = std::max(group_blocks, full_blocks[l] + 1);
  }

  V4 s[25] = {};
  for (std::size_t b = 0; b < group_blocks; ++b) {
    const std::uint8_t* p[4];
    for (int l = 0; l < 4; ++l) {
      if (lanes[l].out == nullptr || b > full_blocks[l]) {
        p[l] = k_zero_block;
      } else if (b < full_blocks[l]) {
        p[l] = lanes[l].data + b * k_rate;
      } else {
        p[l] = tails[l];
      }
    }
#pragma GCC unroll 17
    for (std::size_t j = 0; j < k_rate_words; ++j) {
      s[j] ^= V4{load_word(p[0] + 8 * j), load_word(p[1] + 8 * j), load_word(p[2] + 8 * j),
                 load_word(p[3] + 8 * j)};
    }
    keccak_f1600_x4(s);
    for (int l = 0; l < 4; ++l) {
      if (lanes[l].out == nullptr || b != full_blocks[l]) continue;
      for (int j = 0; j < 4; ++j) {
        const std::uint64_t w = s[j][l];
        std::memcpy(lanes[l].out->data() + 8 * j, &w, 8);
      }
    }
  }
}

#undef ROLLUP_KECCAK4_INLINE

__attribute__((target("avx2"))) void hash_group_avx2(const Lane (&lanes)[4]) noexcept {
  hash_group(lanes);
}

__attribute__((target("avx512f,avx512vl"))) void hash_group_avx512(
    const Lane (&lanes)[4]) noexcept {
  hash_group(lanes);
}

bool cpu_has(detail::KeccakManyKernel kernel) noexcept {
  __builtin_cpu_init();  // may run from another object's static initialiser, before libgcc's own
  switch (kernel) {
    case detail::KeccakManyKernel::scalar: return true;
    case detail::KeccakManyKernel::avx2: return __builtin_cpu_supports("avx2");
    case detail::KeccakManyKernel::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
  }
  return false;
}

GroupKernel group_kernel(detail::KeccakManyKernel kernel) noexcept {
  switch (kernel) {
    case detail::KeccakManyKernel::scalar: return nullptr;
    case detail::KeccakManyKernel::avx2: return hash_group_avx2;
    case detail::KeccakManyKernel::avx512: return hash_group_avx512;
  }
  return nullptr;
}

#else  // no x86-64 vector kernels: every batch goes through the scalar sponge

bool cpu_has(detail::KeccakManyKernel kernel) noexcept {
  return kernel == detail::KeccakManyKernel::scalar;
}
GroupKernel group_kernel(detail::KeccakManyKernel) noexcept {
  return nullptr;
}

#endif

detail::KeccakManyKernel best_kernel() noexcept {
  using detail::KeccakManyKernel;
  if (cpu_has(KeccakManyKernel::avx512)) return KeccakManyKernel::avx512;
  if (cpu_has(KeccakManyKernel::avx2)) return KeccakManyKernel::avx2;
  return KeccakManyKernel::scalar;
}

void hash_many(GroupKernel kernel, std::span<const ByteView> in, std::span<Hash> out) noexcept {
  ROLLUP_ASSERT(in.size() == out.size());
  if (kernel == nullptr) {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = keccak256(in[i]);
    return;
  }
  // Sorting works on fixed chunks so the index array lives on the stack: no allocation in a
  // noexcept hot path. A chunk spans hundreds of inputs, so chunk edges cost at most one poorly
  // matched group each.
  constexpr std::size_t k_chunk = 256;
  constexpr int k_index_bits = 8;
  static_assert(k_chunk == std::size_t{1} << k_index_bits);
  // The key only orders the inputs; capping it keeps the shift from overflowing for absurd sizes.
  constexpr std::uint64_t k_max_key_blocks = (std::uint64_t{1} << (64 - k_index_bits)) - 1;
  std::uint64_t keys[k_chunk];

  for (std::size_t base = 0; base < in.size(); base += k_chunk) {
    const std::size_t n = std::min(k_chunk, in.size() - base);
    // Block count in the high bits, position in the low bits: sorting plain integers needs no
    // comparator indirection, and equal block counts keep their input order.
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t blocks =
          std::min<std::uint64_t>(in[base + i].size() / k_rate, k_max_key_blocks);
      keys[i] = (blocks << k_index_bits) | i;
    }
    std::sort(keys, keys + n);

    std::size_t i = 0;
    // A group of two or three still beats hashing them one by one; a single input does not.
    while (n - i >= 2) {
      const std::size_t take = std::min<std::size_t>(4, n - i);
      Lane lanes[4];
      for (std::size_t l = 0; l < take; ++l) {
        const std::size_t at = base + (keys[i + l] & (k_chunk - 1));
        lanes[l] = Lane{in[at].data(), in[at].size(), &out[at]};
      }
      kernel(lanes);
      i += take;
    }
    if (i < n) {
      const std::size_t at = base + (keys[i] & (k_chunk - 1));
      out[at] = keccak256(in[at]);
    }
  }
}

}  // namespace

void keccak256_many(std::span<const ByteView> in, std::span<Hash> out) noexcept {
  // Chosen on first use rather than by a global initialiser, so a caller in another object's static
  // initialiser cannot see it unset.
  static const GroupKernel kernel = group_kernel(best_kernel());
  hash_many(kernel, in, out);
}

namespace detail {

KeccakManyKernel keccak256_many_kernel() noexcept {
  static const KeccakManyKernel kernel = best_kernel();
  return kernel;
}

bool keccak256_many_with(KeccakManyKernel kernel, std::span<const ByteView> in,
                         std::span<Hash> out) noexcept {
  if (!cpu_has(kernel)) return false;
  hash_many(group_kernel(kernel), in, out);
  return true;
}

}  // namespace detail
}  // namespace rollup::crypto
