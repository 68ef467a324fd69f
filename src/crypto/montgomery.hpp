#pragma once
// Multi-limb integers and prime fields in Montgomery form, shared by bn254.cpp (four 64-bit limbs)
// and bls12_381.cpp (six). Private to the crypto module.
//
// Everything is a template over the limb count or over the modulus type, so each curve's file
// instantiates it with its own p as a compile-time constant, in its own translation unit at -O3
// (src/crypto/CMakeLists.txt): the limb loops unroll and the small operations inline as they did
// when each file had its own copy. A modulus type is a struct with
// `static constexpr std::array<std::uint64_t, N> p`. Declare it in the curve's own (anonymous)
// namespace: the instantiations then have internal linkage like the code they replace, and
// argument-dependent lookup from the generic code in tower.hpp and curve.hpp finds the curve's
// own functions on its field (inverse()).

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Additions are a few instructions; as calls, with their operands passed through memory, they cost
// more than the multiplications in the tower, so they are always inlined.
#define ROLLUP_FIELD_INLINE [[gnu::always_inline]] inline

namespace rollup::crypto::detail {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;  // -Wpedantic rejects the plain spelling

template <std::size_t N>
using Limbs = std::array<u64, N>;  // least significant first

// ---------------------------------------------------------------------------------------------
// Limbs.

// Add and subtract with carry. At run time on x86-64 these are the adc/sbb intrinsics, which GCC
// chains into single instructions (its code for the same through unsigned __int128 is several
// times longer); at compile time, for the constants, and elsewhere the portable form.
ROLLUP_FIELD_INLINE constexpr u64 addc(u64 a, u64 b, unsigned char& carry) noexcept {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long out;
    carry = _addcarry_u64(carry, a, b, &out);
    return out;
  }
#endif
  const u128 s = static_cast<u128>(a) + b + carry;
  carry = static_cast<unsigned char>(s >> 64);
  return static_cast<u64>(s);
}

ROLLUP_FIELD_INLINE constexpr u64 subb(u64 a, u64 b, unsigned char& borrow) noexcept {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long out;
    borrow = _subborrow_u64(borrow, a, b, &out);
    return out;
  }
#endif
  const u128 d = static_cast<u128>(a) - b - borrow;
  borrow = static_cast<unsigned char>((d >> 64) & 1);
  return static_cast<u64>(d);
}

// a + b with the carry out. A fold over the limb indices rather than a loop: GCC then sees one
// straight chain from the start, as in hand-unrolled code. From a loop it kept the result of a
// four-limb Fp2 subtraction in memory, which took nearly three times as long.
template <std::size_t N, std::size_t... I>
ROLLUP_FIELD_INLINE constexpr u64 add_n(Limbs<N>& out, const Limbs<N>& a, const Limbs<N>& b,
                                        std::index_sequence<I...>) noexcept {
  unsigned char carry = 0;
  ((out[I] = addc(a[I], b[I], carry)), ...);
  return carry;
}
template <std::size_t N>
ROLLUP_FIELD_INLINE constexpr u64 add_n(Limbs<N>& out, const Limbs<N>& a,
                                        const Limbs<N>& b) noexcept {
  return add_n(out, a, b, std::make_index_sequence<N>{});
}

// a - b with the borrow out, folded likewise.
template <std::size_t N, std::size_t... I>
ROLLUP_FIELD_INLINE constexpr u64 sub_n(Limbs<N>& out, const Limbs<N>& a, const Limbs<N>& b,
                                        std::index_sequence<I...>) noexcept {
  unsigned char borrow = 0;
  ((out[I] = subb(a[I], b[I], borrow)), ...);
  return borrow;
}
template <std::size_t N>
ROLLUP_FIELD_INLINE constexpr u64 sub_n(Limbs<N>& out, const Limbs<N>& a,
                                        const Limbs<N>& b) noexcept {
  return sub_n(out, a, b, std::make_index_sequence<N>{});
}

template <std::size_t N>
constexpr bool less_n(const Limbs<N>& a, const Limbs<N>& b) noexcept {
  for (std::size_t i = N; i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

template <std::size_t N>
constexpr Limbs<N> add_small(const Limbs<N>& a, u64 small) noexcept {
  Limbs<N> out;
  add_n(out, a, Limbs<N>{small});
  return out;
}

template <std::size_t N>
constexpr Limbs<N> sub_small(const Limbs<N>& a, u64 small) noexcept {
  Limbs<N> out;
  sub_n(out, a, Limbs<N>{small});
  return out;
}

// a / d for a small d that divides a, by long division from the top limb.
template <std::size_t N>
constexpr Limbs<N> div_exact(const Limbs<N>& a, u64 d) noexcept {
  Limbs<N> out{};
  u128 rem = 0;
  for (std::size_t i = N; i-- > 0;) {
    const u128 cur = (rem << 64) | a[i];
    out[i] = static_cast<u64>(cur / d);
    rem = cur % d;
  }
  return out;
}

// N limbs from 8N big-endian bytes, and back.
template <std::size_t N>
Limbs<N> read_be(const std::uint8_t* in) noexcept {
  Limbs<N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    u64 limb = 0;
    for (std::size_t j = 0; j < 8; ++j) limb = (limb << 8) | in[(N - 1 - i) * 8 + j];
    out[i] = limb;
  }
  return out;
}

template <std::size_t N>
void write_be(const Limbs<N>& v, std::uint8_t* out) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j < 8; ++j) {
      out[(N - 1 - i) * 8 + j] = static_cast<std::uint8_t>(v[i] >> (56 - 8 * j));
    }
  }
}

// Unreduced products for lazy reduction: a * b as 2N limbs.
template <std::size_t N>
using Wide = std::array<u64, 2 * N>;

// a * b for a, b < 2^(64N), by rows: each adds a * b_i at limb i, and a row's partial sum never
// reaches past limb i + N. How a row's carries run depends on the width. With four limbs, the low
// halves of the products and then the high halves, as two adc chains: an Fp2 product takes about
// 5% less time than with one chain. With six, two chains keep twelve products live and spill
// them, and one chain of 128-bit multiply-accumulates is about a quarter faster.
template <std::size_t N>
constexpr Wide<N> mul_wide(const Limbs<N>& a, const Limbs<N>& b) noexcept {
  Wide<N> r{};
  for (std::size_t i = 0; i < N; ++i) {
    if constexpr (N <= 4) {
      std::array<u128, N> prod;
      for (std::size_t j = 0; j < N; ++j) prod[j] = static_cast<u128>(a[j]) * b[i];
      unsigned char c = 0;
      for (std::size_t j = 0; j < N; ++j) r[i + j] = addc(r[i + j], static_cast<u64>(prod[j]), c);
      r[i + N] = c;  // not written by earlier rows
      c = 0;
      for (std::size_t j = 0; j < N; ++j) {
        r[i + j + 1] = addc(r[i + j + 1], static_cast<u64>(prod[j] >> 64), c);
      }
    } else {
      u128 acc = 0;
      for (std::size_t j = 0; j < N; ++j) {
        acc = static_cast<u128>(a[j]) * b[i] + r[i + j] + static_cast<u64>(acc >> 64);
        r[i + j] = static_cast<u64>(acc);
      }
      r[i + N] = static_cast<u64>(acc >> 64);
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// The prime field: an element a is held as a * 2^(64N) mod p, fully reduced (< p).

template <typename M>
struct PrimeField {
  using Modulus = M;
  static constexpr std::size_t N = M::p.size();
  Limbs<N> v{};

  static constexpr PrimeField zero() noexcept { return {}; }
  static constexpr PrimeField one() noexcept;
  static constexpr PrimeField from_u64(u64 x) noexcept;
  [[nodiscard]] constexpr bool is_zero() const noexcept {
    u64 any = 0;
    for (const u64 limb : v) any |= limb;
    return any == 0;
  }
  friend constexpr bool operator==(const PrimeField&, const PrimeField&) noexcept = default;
};

// Two spare bits at the top: the sum of two reduced values (and a + p in half()) cannot carry out
// of N limbs, the Montgomery rows need no carry word beyond N + 1 limbs, and the lazy reduction in
// the Fp2 product can leave sums below 2p unreduced and reduce products below 2p^2.
template <typename M>
inline constexpr bool k_spare_bits = (M::p.back() >> 62) == 0 && (M::p[0] & 1) == 1;

// -p^-1 mod 2^64, by Newton's iteration (each step doubles the correct low bits).
template <typename M>
inline constexpr u64 k_p_inv = [] {
  static_assert(k_spare_bits<M>, "the modulus must be odd and below 2^(64N - 2)");
  u64 x = 1;
  for (int i = 0; i < 7; ++i) x *= 2 - M::p[0] * x;
  return ~x + 1;
}();

// s - p when s >= p, else s, without a branch: the comparison goes either way at random, and a
// mispredicted branch costs more than the subtraction.
template <typename M, std::size_t N>
ROLLUP_FIELD_INLINE constexpr Limbs<N> reduce_once(const Limbs<N>& s) noexcept {
  Limbs<N> t;
  const bool below = sub_n(t, s, M::p) != 0;
  for (std::size_t i = 0; i < N; ++i) t[i] = below ? s[i] : t[i];
  return t;
}

template <typename M>
ROLLUP_FIELD_INLINE constexpr PrimeField<M> operator+(const PrimeField<M>& a,
                                                      const PrimeField<M>& b) noexcept {
  Limbs<PrimeField<M>::N> s;
  add_n(s, a.v, b.v);  // no carry out of N limbs: see k_spare_bits
  return {reduce_once<M>(s)};
}

template <typename M>
ROLLUP_FIELD_INLINE constexpr PrimeField<M> operator-(const PrimeField<M>& a,
                                                      const PrimeField<M>& b) noexcept {
  constexpr std::size_t N = PrimeField<M>::N;
  Limbs<N> d;
  const bool borrow = sub_n(d, a.v, b.v) != 0;  // then add p back
  Limbs<N> p_or_zero;
  for (std::size_t i = 0; i < N; ++i) p_or_zero[i] = borrow ? M::p[i] : 0;
  add_n(d, d, p_or_zero);
  return {d};
}

template <typename M>
ROLLUP_FIELD_INLINE constexpr PrimeField<M> operator-(const PrimeField<M>& a) noexcept {
  return PrimeField<M>::zero() - a;
}

// Montgomery product a * b / 2^(64N) mod p, one row per limb of b (coarsely integrated operand
// scanning): add a * b_i to the (N + 1)-limb total t, add m p with m chosen to zero t's low limb,
// and shift t down a limb. With p's spare bits, t stays below 2p between rows and within N + 1
// limbs inside a row, so no further carry word is needed.
template <typename M>
constexpr PrimeField<M> operator*(const PrimeField<M>& a, const PrimeField<M>& b) noexcept {
  constexpr std::size_t N = PrimeField<M>::N;
  std::array<u64, N + 1> t{};
  for (std::size_t i = 0; i < N; ++i) {
    const u64 bi = b.v[i];
    std::array<u128, N> prod;
    for (std::size_t j = 0; j < N; ++j) prod[j] = static_cast<u128>(a.v[j]) * bi;
    // The low halves go into limbs 0..N-1, the high halves into 1..N.
    unsigned char c = 0;
    for (std::size_t j = 0; j < N; ++j) t[j] = addc(t[j], static_cast<u64>(prod[j]), c);
    t[N] = c;
    c = 0;
    for (std::size_t j = 0; j < N; ++j) {
      t[j + 1] = addc(t[j + 1], static_cast<u64>(prod[j] >> 64), c);
    }

    const u64 m = t[0] * k_p_inv<M>;
    for (std::size_t j = 0; j < N; ++j) prod[j] = static_cast<u128>(m) * M::p[j];
    c = 0;
    for (std::size_t j = 0; j < N; ++j) t[j] = addc(t[j], static_cast<u64>(prod[j]), c);
    t[N] = addc(t[N], 0, c);
    // t[0] is zero now; shift down a limb while adding the high halves.
    c = 0;
    for (std::size_t j = 0; j < N; ++j) t[j] = addc(t[j + 1], static_cast<u64>(prod[j] >> 64), c);
    t[N] = 0;
  }
  Limbs<N> out;
  for (std::size_t j = 0; j < N; ++j) out[j] = t[j];
  return {reduce_once<M>(out)};
}

template <typename M>
inline constexpr Wide<PrimeField<M>::N> k_p_squared = mul_wide(M::p, M::p);

// t / 2^(64N) mod p for t < 2p^2, as a reduced element: the low half through N reduction rows
// (each adds m p with m chosen to zero the low limb, then shifts), which leave at most p, then the
// high half (below 2p^2 / 2^(64N) < p) added. The rows' carries run as in mul_wide(), and for the
// same reason.
template <typename M>
constexpr PrimeField<M> redc(const Wide<PrimeField<M>::N>& t) noexcept {
  constexpr std::size_t N = PrimeField<M>::N;
  Limbs<N> lo;
  Limbs<N> hi;
  for (std::size_t j = 0; j < N; ++j) {
    lo[j] = t[j];
    hi[j] = t[N + j];
  }
  for (std::size_t i = 0; i < N; ++i) {
    const u64 m = lo[0] * k_p_inv<M>;
    if constexpr (N <= 4) {
      std::array<u128, N> q;
      for (std::size_t j = 0; j < N; ++j) q[j] = static_cast<u128>(m) * M::p[j];
      unsigned char c = 0;
      addc(lo[0], static_cast<u64>(q[0]), c);  // zero by the choice of m; only its carry matters
      for (std::size_t j = 1; j < N; ++j) lo[j] = addc(lo[j], static_cast<u64>(q[j]), c);
      const u64 top = c;
      c = 0;
      for (std::size_t j = 0; j + 1 < N; ++j) {
        lo[j] = addc(lo[j + 1], static_cast<u64>(q[j] >> 64), c);
      }
      lo[N - 1] = addc(top, static_cast<u64>(q[N - 1] >> 64), c);
    } else {
      u128 acc = static_cast<u128>(m) * M::p[0] + lo[0];
      for (std::size_t j = 1; j < N; ++j) {
        acc = static_cast<u128>(m) * M::p[j] + lo[j] + static_cast<u64>(acc >> 64);
        lo[j - 1] = static_cast<u64>(acc);
      }
      lo[N - 1] = static_cast<u64>(acc >> 64);
    }
  }
  Limbs<N> sum;
  add_n(sum, lo, hi);
  return {reduce_once<M>(sum)};
}

template <typename M>
constexpr PrimeField<M> square(const PrimeField<M>& a) noexcept {
  return a * a;
}

template <typename M>
ROLLUP_FIELD_INLINE constexpr PrimeField<M> dbl(const PrimeField<M>& a) noexcept {
  return a + a;
}

// a / 2: p is odd, so a + p is even when a is odd; a + p < 2p cannot carry out of N limbs.
template <typename M>
constexpr PrimeField<M> half(const PrimeField<M>& a) noexcept {
  constexpr std::size_t N = PrimeField<M>::N;
  PrimeField<M> t = a;
  const bool odd = (t.v[0] & 1) != 0;
  Limbs<N> p_or_zero;
  for (std::size_t i = 0; i < N; ++i) p_or_zero[i] = odd ? M::p[i] : 0;
  add_n(t.v, t.v, p_or_zero);
  for (std::size_t i = 0; i + 1 < N; ++i) t.v[i] = (t.v[i] >> 1) | (t.v[i + 1] << 63);
  t.v[N - 1] >>= 1;
  return t;
}

// 2^(128N) mod p, which takes a plain number into Montgomery form.
template <typename M>
inline constexpr PrimeField<M> k_r2 = [] {
  PrimeField<M> x{{1}};
  for (std::size_t i = 0; i < 128 * PrimeField<M>::N; ++i) {
    x = x + x;  // modular doubling works on plain numbers too
  }
  return x;
}();

template <typename M>
constexpr PrimeField<M> to_mont(const Limbs<PrimeField<M>::N>& plain) noexcept {
  return PrimeField<M>{plain} * k_r2<M>;
}

template <typename M>
constexpr Limbs<PrimeField<M>::N> from_mont(const PrimeField<M>& a) noexcept {
  return (a * PrimeField<M>{{1}}).v;
}

template <typename M>
constexpr PrimeField<M> PrimeField<M>::one() noexcept {
  return to_mont<M>({1});
}

template <typename M>
constexpr PrimeField<M> PrimeField<M>::from_u64(u64 x) noexcept {
  return to_mont<M>({x});
}

// base^e by left-to-right square and multiply over 4-bit windows; T is any field with * and one().
template <typename T, std::size_t E>
constexpr T pow(const T& base, const Limbs<E>& e) noexcept {
  std::array<T, 16> table{};
  table[0] = T::one();
  for (int i = 1; i < 16; ++i) table[i] = table[i - 1] * base;
  T acc = T::one();
  for (int i = 16 * static_cast<int>(E) - 1; i >= 0; --i) {
    const unsigned nibble = (e[i / 16] >> ((i % 16) * 4)) & 0xf;
    acc = square(square(square(square(acc))));
    if (nibble != 0) acc = acc * table[nibble];
  }
  return acc;
}

}  // namespace rollup::crypto::detail
