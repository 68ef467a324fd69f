#include "rollup/crypto/bls12_381.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "rollup/base/assert.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Layout: Fp (Montgomery form on six 64-bit limbs), the tower Fp2 = Fp[i]/(i^2 + 1),
// Fp6 = Fp2[v]/(v^3 - xi) with xi = 1 + i, Fp12 = Fp6[w]/(w^2 - v); Jacobian points for the group
// operations on both curves, with the cube-root-of-unity endomorphism of G1 for its subgroup check
// and (GLV) its scalar multiplication; and the optimal ate pairing (Miller loop over |x| with
// homogeneous projective G2 points, then one final exponentiation for all terms).
//
// The curve parameter is x = -0xd201000000010000: p = (x - 1)^2 (x^4 - x^2 + 1) / 3 + x and
// r = x^4 - x^2 + 1, which a static_assert below checks. Every other constant (Montgomery
// constants, Frobenius coefficients, the cube root of unity, the twist's b) is computed from p, at
// compile time or (the Frobenius coefficients) once on first use, so the only numbers written out
// are p, r, x and the two generators.
//
// The arithmetic follows src/crypto/bn254.cpp, which holds the same tower over a smaller prime;
// what differs is the width, xi, the twist type (M here, D there) and so where a line's
// coefficients sit, and the final exponentiation.

namespace rollup::crypto::bls12_381 {
namespace {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;  // -Wpedantic rejects the plain spelling
constexpr int k_limbs = 6;
using Limbs = std::array<u64, k_limbs>;  // least significant first
using ScalarLimbs = std::array<u64, 4>;

// Additions are a few instructions; as calls, with their operands passed through memory, they cost
// more than the multiplications in the tower, so they are always inlined.
#define ROLLUP_BLS_INLINE [[gnu::always_inline]] inline

constexpr Limbs k_p = {0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
                       0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a};
constexpr ScalarLimbs k_r = {0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805,
                             0x73eda753299d7d48};
constexpr u64 k_x_abs = 0xd201000000010000;  // x = -k_x_abs

// Add and subtract with carry. At run time on x86-64 these are the adc/sbb intrinsics, which GCC
// chains into single instructions; at compile time, for the constants, and elsewhere the portable
// form.
ROLLUP_BLS_INLINE constexpr u64 addc(u64 a, u64 b, unsigned char& carry) noexcept {
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

ROLLUP_BLS_INLINE constexpr u64 subb(u64 a, u64 b, unsigned char& borrow) noexcept {
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

template <std::size_t N>
ROLLUP_BLS_INLINE constexpr u64 add_n(std::array<u64, N>& out, const std::array<u64, N>& a,
                                      const std::array<u64, N>& b) noexcept {
  unsigned char carry = 0;
  for (std::size_t i = 0; i < N; ++i) out[i] = addc(a[i], b[i], carry);
  return carry;
}

template <std::size_t N>
ROLLUP_BLS_INLINE constexpr u64 sub_n(std::array<u64, N>& out, const std::array<u64, N>& a,
                                      const std::array<u64, N>& b) noexcept {
  unsigned char borrow = 0;
  for (std::size_t i = 0; i < N; ++i) out[i] = subb(a[i], b[i], borrow);
  return borrow;
}

template <std::size_t N>
constexpr bool less_n(const std::array<u64, N>& a, const std::array<u64, N>& b) noexcept {
  for (std::size_t i = N; i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

// Schoolbook a * b, for the compile-time checks of the parameters.
template <std::size_t N, std::size_t M>
constexpr std::array<u64, N + M> mul_n(const std::array<u64, N>& a,
                                       const std::array<u64, M>& b) noexcept {
  std::array<u64, N + M> out{};
  for (std::size_t j = 0; j < M; ++j) {
    u64 carry = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const u128 t = static_cast<u128>(a[i]) * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<u64>(t);
      carry = static_cast<u64>(t >> 64);
    }
    out[j + N] = carry;
  }
  return out;
}

// r = k^4 - k^2 + 1 and 3 (p + k) = (k + 1)^2 r for k = -x, which is p = (x - 1)^2 r / 3 + x.
static_assert([] {
  const std::array<u64, 1> k = {k_x_abs};
  const auto k2 = mul_n(k, k);
  const auto k4 = mul_n(k2, k2);
  std::array<u64, 4> r = k4;
  sub_n(r, r, std::array<u64, 4>{k2[0], k2[1], 0, 0});
  add_n(r, r, std::array<u64, 4>{1, 0, 0, 0});
  if (r != k_r) return false;
  const std::array<u64, 2> k1 = {k_x_abs + 1, 0};
  const auto rhs = mul_n(mul_n(k1, k1), k_r);  // 8 limbs
  std::array<u64, 8> lhs{};
  Limbs pk = k_p;
  add_n(pk, pk, Limbs{k_x_abs, 0, 0, 0, 0, 0});
  const auto three_pk = mul_n(pk, std::array<u64, 1>{3});  // 7 limbs
  for (int i = 0; i < 7; ++i) lhs[i] = three_pk[i];
  return lhs == rhs;
}());

// -p^-1 mod 2^64, by Newton's iteration (each step doubles the correct low bits).
constexpr u64 k_p_inv = [] {
  u64 x = 1;
  for (int i = 0; i < 7; ++i) x *= 2 - k_p[0] * x;
  return ~x + 1;
}();

// ---------------------------------------------------------------------------------------------
// Fp: an element a is held as a * 2^384 mod p, fully reduced (< p).

struct Fp {
  Limbs v{};

  static constexpr Fp zero() noexcept { return {}; }
  static constexpr Fp one() noexcept;
  static constexpr Fp from_u64(u64 x) noexcept;
  [[nodiscard]] constexpr bool is_zero() const noexcept {
    return (v[0] | v[1] | v[2] | v[3] | v[4] | v[5]) == 0;
  }
  friend constexpr bool operator==(const Fp&, const Fp&) noexcept = default;
};

// s - p when s >= p, else s, without a branch (the comparison goes either way at random).
ROLLUP_BLS_INLINE constexpr Limbs reduce_once(const Limbs& s) noexcept {
  Limbs t;
  const bool below = sub_n(t, s, k_p) != 0;
  for (int i = 0; i < k_limbs; ++i) t[i] = below ? s[i] : t[i];
  return t;
}

ROLLUP_BLS_INLINE constexpr Fp operator+(const Fp& a, const Fp& b) noexcept {
  // p < 2^381, so the sum of two reduced values cannot carry out of 384 bits.
  Limbs s;
  add_n(s, a.v, b.v);
  return {reduce_once(s)};
}

ROLLUP_BLS_INLINE constexpr Fp operator-(const Fp& a, const Fp& b) noexcept {
  Limbs d;
  const bool borrow = sub_n(d, a.v, b.v) != 0;  // then add p back
  Limbs p_or_zero;
  for (int i = 0; i < k_limbs; ++i) p_or_zero[i] = borrow ? k_p[i] : 0;
  add_n(d, d, p_or_zero);
  return {d};
}

ROLLUP_BLS_INLINE constexpr Fp operator-(const Fp& a) noexcept {
  return Fp::zero() - a;
}

// Montgomery product a * b / 2^384 mod p, one row per limb of b: add a * b_i to the seven-limb
// total t, add m p with m chosen to zero t's low limb, and shift t down a limb. Since p < 2^381,
// t stays below 2p between rows and within seven limbs inside a row, so no further carry word is
// needed.
constexpr Fp operator*(const Fp& a, const Fp& b) noexcept {
  std::array<u64, k_limbs + 1> t{};
  for (int i = 0; i < k_limbs; ++i) {
    const u64 bi = b.v[i];
    std::array<u128, k_limbs> prod;
    for (int j = 0; j < k_limbs; ++j) prod[j] = static_cast<u128>(a.v[j]) * bi;
    // The low halves go into limbs 0..5, the high halves into 1..6.
    unsigned char c = 0;
    for (int j = 0; j < k_limbs; ++j) t[j] = addc(t[j], static_cast<u64>(prod[j]), c);
    t[k_limbs] = c;
    c = 0;
    for (int j = 0; j < k_limbs; ++j) {
      t[j + 1] = addc(t[j + 1], static_cast<u64>(prod[j] >> 64), c);
    }

    const u64 m = t[0] * k_p_inv;
    for (int j = 0; j < k_limbs; ++j) prod[j] = static_cast<u128>(m) * k_p[j];
    c = 0;
    for (int j = 0; j < k_limbs; ++j) t[j] = addc(t[j], static_cast<u64>(prod[j]), c);
    t[k_limbs] = addc(t[k_limbs], 0, c);
    // t[0] is zero now; shift down a limb while adding the high halves.
    c = 0;
    for (int j = 0; j < k_limbs; ++j) t[j] = addc(t[j + 1], static_cast<u64>(prod[j] >> 64), c);
    t[k_limbs] = 0;
  }
  return {reduce_once({t[0], t[1], t[2], t[3], t[4], t[5]})};
}

// Unreduced products for lazy reduction: a * b as 768 bits, and its Montgomery reduction.
using Wide = std::array<u64, 2 * k_limbs>;

// a * b for a, b < 2^384, by rows: each adds a * b_i at limb i, and a row's partial sum never
// reaches past limb i + 6. Unlike the product above, each row is one chain of 128-bit
// multiply-accumulates: with six limbs, two separate carry chains (low then high halves) keep
// twelve products live and spill them, and this form is about a quarter faster.
constexpr Wide mul_wide(const Limbs& a, const Limbs& b) noexcept {
  Wide r{};
  for (int i = 0; i < k_limbs; ++i) {
    u128 acc = 0;
    for (int j = 0; j < k_limbs; ++j) {
      acc = static_cast<u128>(a[j]) * b[i] + r[i + j] + static_cast<u64>(acc >> 64);
      r[i + j] = static_cast<u64>(acc);
    }
    r[i + k_limbs] = static_cast<u64>(acc >> 64);
  }
  return r;
}

constexpr Wide k_p_squared = mul_wide(k_p, k_p);

// t / 2^384 mod p for t < 2p^2, as a reduced element: the low half through six reduction rows
// (each adds m p with m chosen to zero the low limb, then shifts), which leave at most p, then the
// high half (below 2p^2 / 2^384 < p) added.
constexpr Fp redc(const Wide& t) noexcept {
  Limbs lo = {t[0], t[1], t[2], t[3], t[4], t[5]};
  for (int i = 0; i < k_limbs; ++i) {
    const u64 m = lo[0] * k_p_inv;
    u128 acc = static_cast<u128>(m) * k_p[0] + lo[0];
    for (int j = 1; j < k_limbs; ++j) {
      acc = static_cast<u128>(m) * k_p[j] + lo[j] + static_cast<u64>(acc >> 64);
      lo[j - 1] = static_cast<u64>(acc);
    }
    lo[k_limbs - 1] = static_cast<u64>(acc >> 64);
  }
  Limbs sum;
  add_n(sum, lo, Limbs{t[6], t[7], t[8], t[9], t[10], t[11]});
  return {reduce_once(sum)};
}

constexpr Fp square(const Fp& a) noexcept {
  return a * a;
}
ROLLUP_BLS_INLINE constexpr Fp dbl(const Fp& a) noexcept {
  return a + a;
}

// a / 2: p is odd, so a + p is even when a is odd; a + p < 2^382 cannot carry out.
constexpr Fp half(const Fp& a) noexcept {
  Fp t = a;
  const bool odd = (t.v[0] & 1) != 0;
  Limbs p_or_zero;
  for (int i = 0; i < k_limbs; ++i) p_or_zero[i] = odd ? k_p[i] : 0;
  add_n(t.v, t.v, p_or_zero);
  for (int i = 0; i + 1 < k_limbs; ++i) t.v[i] = (t.v[i] >> 1) | (t.v[i + 1] << 63);
  t.v[k_limbs - 1] >>= 1;
  return t;
}

// 2^768 mod p, which takes a plain number into Montgomery form.
constexpr Fp k_r2 = [] {
  Fp x{{1, 0, 0, 0, 0, 0}};
  for (int i = 0; i < 768; ++i) x = x + x;  // modular doubling works on plain numbers too
  return x;
}();

constexpr Fp to_mont(const Limbs& plain) noexcept {
  return Fp{plain} * k_r2;
}
constexpr Limbs from_mont(const Fp& a) noexcept {
  return (a * Fp{{1, 0, 0, 0, 0, 0}}).v;
}

constexpr Fp Fp::one() noexcept {
  return to_mont({1, 0, 0, 0, 0, 0});
}
constexpr Fp Fp::from_u64(u64 x) noexcept {
  return to_mont({x, 0, 0, 0, 0, 0});
}

// base^e by left-to-right square and multiply over 4-bit windows; T is any field with * and one().
template <typename T>
constexpr T pow(const T& base, const Limbs& e) noexcept {
  std::array<T, 16> table{};
  table[0] = T::one();
  for (int i = 1; i < 16; ++i) table[i] = table[i - 1] * base;
  T acc = T::one();
  for (int i = 16 * k_limbs - 1; i >= 0; --i) {
    const unsigned nibble = (e[i / 16] >> ((i % 16) * 4)) & 0xf;
    acc = square(square(square(square(acc))));
    if (nibble != 0) acc = acc * table[nibble];
  }
  return acc;
}

constexpr Limbs add_small(const Limbs& a, u64 small) noexcept {
  Limbs out;
  add_n(out, a, Limbs{small, 0, 0, 0, 0, 0});
  return out;
}
constexpr Limbs sub_small(const Limbs& a, u64 small) noexcept {
  Limbs out;
  sub_n(out, a, Limbs{small, 0, 0, 0, 0, 0});
  return out;
}

// a / d for a small d that divides a, by long division from the top limb.
constexpr Limbs div_exact(const Limbs& a, u64 d) noexcept {
  Limbs out{};
  u128 rem = 0;
  for (int i = k_limbs - 1; i >= 0; --i) {
    const u128 cur = (rem << 64) | a[i];
    out[i] = static_cast<u64>(cur / d);
    rem = cur % d;
  }
  return out;
}

// By Fermat, a^(p - 2); zero maps to zero. A handful are needed per pairing check (the affine
// inputs and the final exponentiation), so its cost, about 500 products, is a few percent.
constexpr Fp inverse(const Fp& a) noexcept {
  return pow(a, sub_small(k_p, 2));
}

// p = 3 (mod 4), so a^((p + 1) / 4) is a square root of a when a has one.
std::optional<Fp> sqrt(const Fp& a) noexcept {
  static constexpr Limbs k_exp = div_exact(add_small(k_p, 1), 4);
  const Fp s = pow(a, k_exp);
  if (square(s) != a) return std::nullopt;
  return s;
}

// The ZCash sign of a coordinate: whether it is above (p - 1) / 2, so larger than its negation.
bool is_larger_half(const Fp& a) noexcept {
  static constexpr Limbs k_half = div_exact(sub_small(k_p, 1), 2);
  return less_n(k_half, from_mont(a));
}

// ---------------------------------------------------------------------------------------------
// Fp2 = Fp[i] / (i^2 + 1): c0 + c1 i.

struct Fp2 {
  Fp c0, c1;

  static constexpr Fp2 zero() noexcept { return {}; }
  static constexpr Fp2 one() noexcept { return {Fp::one(), Fp::zero()}; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero(); }
  friend constexpr bool operator==(const Fp2&, const Fp2&) noexcept = default;
};

ROLLUP_BLS_INLINE constexpr Fp2 operator+(const Fp2& a, const Fp2& b) noexcept {
  return {a.c0 + b.c0, a.c1 + b.c1};
}
ROLLUP_BLS_INLINE constexpr Fp2 operator-(const Fp2& a, const Fp2& b) noexcept {
  return {a.c0 - b.c0, a.c1 - b.c1};
}
ROLLUP_BLS_INLINE constexpr Fp2 operator-(const Fp2& a) noexcept {
  return {-a.c0, -a.c1};
}
ROLLUP_BLS_INLINE constexpr Fp2 dbl(const Fp2& a) noexcept {
  return {dbl(a.c0), dbl(a.c1)};
}
constexpr Fp2 half(const Fp2& a) noexcept {
  return {half(a.c0), half(a.c1)};
}
constexpr Fp2 operator*(const Fp2& a, const Fp& s) noexcept {
  return {a.c0 * s, a.c1 * s};
}
constexpr Fp2 conjugate(const Fp2& a) noexcept {
  return {a.c0, -a.c1};
}

// Karatsuba with lazy reduction: three 768-bit products, combined before reducing, and two
// Montgomery reductions instead of three.
constexpr Fp2 operator*(const Fp2& a, const Fp2& b) noexcept {
  const Wide t0 = mul_wide(a.c0.v, b.c0.v);
  const Wide t1 = mul_wide(a.c1.v, b.c1.v);
  Limbs sa;
  Limbs sb;
  add_n(sa, a.c0.v, a.c1.v);  // below 2p < 2^382: no reduction needed
  add_n(sb, b.c0.v, b.c1.v);
  // c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0, in [0, 2p^2).
  Wide c1 = mul_wide(sa, sb);
  sub_n(c1, c1, t0);
  sub_n(c1, c1, t1);
  // c0 = a0 b0 - a1 b1, lifted by p^2 when negative, so in [0, p^2).
  Wide c0;
  const bool negative = sub_n(c0, t0, t1) != 0;
  Wide p2_or_zero;
  for (int i = 0; i < 2 * k_limbs; ++i) p2_or_zero[i] = negative ? k_p_squared[i] : 0;
  add_n(c0, c0, p2_or_zero);
  return {redc(c0), redc(c1)};
}

constexpr Fp2 square(const Fp2& a) noexcept {
  return {(a.c0 + a.c1) * (a.c0 - a.c1), dbl(a.c0 * a.c1)};
}

// Times xi = 1 + i, the non-residue that defines Fp6; additions only.
ROLLUP_BLS_INLINE constexpr Fp2 mul_by_xi(const Fp2& a) noexcept {
  return {a.c0 - a.c1, a.c0 + a.c1};
}

constexpr Fp2 inverse(const Fp2& a) noexcept {
  const Fp n = inverse(square(a.c0) + square(a.c1));
  return {a.c0 * n, -(a.c1 * n)};
}

// A square root through the norm: for a = a0 + a1 i with a1 != 0, a root c0 + c1 i has
// c0^2 = (a0 +- sqrt(a0^2 + a1^2)) / 2 and c1 = a1 / (2 c0). Every candidate is checked by
// squaring.
std::optional<Fp2> sqrt(const Fp2& a) noexcept {
  if (a.c1.is_zero()) {
    // A real a is the square of a real or of an imaginary number (i^2 = -1).
    if (const auto s = sqrt(a.c0)) return Fp2{*s, Fp::zero()};
    if (const auto s = sqrt(-a.c0)) return Fp2{Fp::zero(), *s};
    return std::nullopt;
  }
  const auto n = sqrt(square(a.c0) + square(a.c1));
  if (!n) return std::nullopt;
  auto c0 = sqrt(half(a.c0 + *n));
  if (!c0) c0 = sqrt(half(a.c0 - *n));
  if (!c0) return std::nullopt;
  const Fp2 s{*c0, a.c1 * inverse(dbl(*c0))};
  if (square(s) != a) return std::nullopt;
  return s;
}

bool is_larger_half(const Fp2& a) noexcept {
  return a.c1.is_zero() ? is_larger_half(a.c0) : is_larger_half(a.c1);
}

constexpr Fp2 k_xi = {Fp::one(), Fp::one()};

// ---------------------------------------------------------------------------------------------
// Fp6 = Fp2[v] / (v^3 - xi): c0 + c1 v + c2 v^2.

struct Fp6 {
  Fp2 c0, c1, c2;

  static constexpr Fp6 zero() noexcept { return {}; }
  static constexpr Fp6 one() noexcept { return {Fp2::one(), Fp2::zero(), Fp2::zero()}; }
  friend constexpr bool operator==(const Fp6&, const Fp6&) noexcept = default;
};

constexpr Fp6 operator+(const Fp6& a, const Fp6& b) noexcept {
  return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2};
}
constexpr Fp6 operator-(const Fp6& a, const Fp6& b) noexcept {
  return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2};
}
constexpr Fp6 operator-(const Fp6& a) noexcept {
  return {-a.c0, -a.c1, -a.c2};
}

// Times v: the coefficients rotate and the one that wraps past v^2 picks up xi.
constexpr Fp6 mul_by_v(const Fp6& a) noexcept {
  return {mul_by_xi(a.c2), a.c0, a.c1};
}

// Karatsuba over the three coefficients: six Fp2 products.
constexpr Fp6 operator*(const Fp6& a, const Fp6& b) noexcept {
  const Fp2 t0 = a.c0 * b.c0;
  const Fp2 t1 = a.c1 * b.c1;
  const Fp2 t2 = a.c2 * b.c2;
  return {mul_by_xi((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2) + t0,
          (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + mul_by_xi(t2),
          (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1};
}

// Chung-Hasan SQR2: two products and three squarings.
constexpr Fp6 square(const Fp6& a) noexcept {
  const Fp2 s0 = square(a.c0);
  const Fp2 s1 = dbl(a.c0 * a.c1);
  const Fp2 s2 = square(a.c0 - a.c1 + a.c2);
  const Fp2 s3 = dbl(a.c1 * a.c2);
  const Fp2 s4 = square(a.c2);
  return {mul_by_xi(s3) + s0, mul_by_xi(s4) + s1, s1 + s2 + s3 - s0 - s4};
}

// a * (b0 + b1 v): five Fp2 products instead of six.
constexpr Fp6 mul_by_01(const Fp6& a, const Fp2& b0, const Fp2& b1) noexcept {
  const Fp2 t0 = a.c0 * b0;
  const Fp2 t1 = a.c1 * b1;
  return {t0 + mul_by_xi(a.c2 * b1), (a.c0 + a.c1) * (b0 + b1) - t0 - t1, t1 + a.c2 * b0};
}

// a * (b1 v): three Fp2 products.
constexpr Fp6 mul_by_1(const Fp6& a, const Fp2& b1) noexcept {
  return {mul_by_xi(a.c2 * b1), a.c0 * b1, a.c1 * b1};
}

constexpr Fp6 operator*(const Fp6& a, const Fp2& s) noexcept {
  return {a.c0 * s, a.c1 * s, a.c2 * s};
}

constexpr Fp6 inverse(const Fp6& a) noexcept {
  const Fp2 t0 = square(a.c0) - mul_by_xi(a.c1 * a.c2);
  const Fp2 t1 = mul_by_xi(square(a.c2)) - a.c0 * a.c1;
  const Fp2 t2 = square(a.c1) - a.c0 * a.c2;
  const Fp2 d = inverse(a.c0 * t0 + mul_by_xi(a.c2 * t1 + a.c1 * t2));
  return {t0 * d, t1 * d, t2 * d};
}

// ---------------------------------------------------------------------------------------------
// Fp12 = Fp6[w] / (w^2 - v): c0 + c1 w. Written out over Fp2, the coefficient of w^k is
// c0.c(k/2) for even k and c1.c(k/2) for odd k.

struct Fp12 {
  Fp6 c0, c1;

  static constexpr Fp12 one() noexcept { return {Fp6::one(), Fp6::zero()}; }
  friend constexpr bool operator==(const Fp12&, const Fp12&) noexcept = default;
};

Fp12 operator*(const Fp12& a, const Fp12& b) noexcept {
  const Fp6 t0 = a.c0 * b.c0;
  const Fp6 t1 = a.c1 * b.c1;
  return {t0 + mul_by_v(t1), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
}

// Complex squaring: (c0 + c1 w)^2 = (c0 + c1)(c0 + v c1) - (1 + v) c0 c1 + 2 c0 c1 w.
Fp12 square(const Fp12& a) noexcept {
  const Fp6 ab = a.c0 * a.c1;
  const Fp6 c0 = (a.c0 + a.c1) * (a.c0 + mul_by_v(a.c1)) - ab - mul_by_v(ab);
  return {c0, ab + ab};
}

// The p^6-power Frobenius, which is also the inverse on the cyclotomic subgroup.
Fp12 conjugate(const Fp12& a) noexcept {
  return {a.c0, -a.c1};
}

Fp12 inverse(const Fp12& a) noexcept {
  const Fp6 d = inverse(square(a.c0) - mul_by_v(square(a.c1)));
  return {a.c0 * d, -(a.c1 * d)};
}

// Frobenius coefficients: (w^k)^(p^n) = w^k * xi^(k (p^n - 1) / 6), since w^6 = xi. With
// g1 = xi^((p - 1) / 6): the p^2 ones are g1^(p + 1) = g1 * conj(g1) (they lie in Fp) and the p^3
// ones are g1^(p^2 + p + 1) = g1 * (g1 * conj(g1)).
struct FrobeniusCoefficients {
  std::array<Fp2, 6> p1, p2, p3;
};

// Computed once on first use rather than at compile time: the 381-bit power of xi alone takes more
// steps than GCC allows a constant expression.
const FrobeniusCoefficients& frobenius_coefficients() noexcept {
  static const FrobeniusCoefficients c = [] {
    const Fp2 g = pow(k_xi, div_exact(sub_small(k_p, 1), 6));  // p = 1 (mod 6)
    FrobeniusCoefficients out{};
    Fp2 gk = Fp2::one();
    for (int k = 0; k < 6; ++k) {
      out.p1[k] = gk;
      out.p2[k] = gk * conjugate(gk);
      out.p3[k] = out.p1[k] * out.p2[k];
      gk = gk * g;
    }
    return out;
  }();
  return c;
}

// a^(p^n) for n = 1, 2, 3: conjugate each Fp2 coefficient when n is odd (p = 3 mod 4, so i^p = -i),
// then scale the coefficient of w^k by the k-th constant.
template <int N>
Fp12 frobenius(const Fp12& a) noexcept {
  static_assert(N >= 1 && N <= 3);
  const FrobeniusCoefficients& k = frobenius_coefficients();
  const auto& g = N == 1 ? k.p1 : N == 2 ? k.p2 : k.p3;
  auto c = [](const Fp2& x) { return N % 2 == 1 ? conjugate(x) : x; };
  return {{c(a.c0.c0), c(a.c0.c1) * g[2], c(a.c0.c2) * g[4]},
          {c(a.c1.c0) * g[1], c(a.c1.c1) * g[3], c(a.c1.c2) * g[5]}};
}

// Squaring in the cyclotomic subgroup (Granger-Scott), valid only after the easy part of the final
// exponentiation. Over Fp4 = Fp2[s] / (s^2 - xi) with s = w^3, an element is A + B w + C w^2 with
// A = g0 + h1 s, B = h0 + g2 s, C = g1 + h2 s (g = c0, h = c1), and its square is
// (3A^2 - 2 conj(A)) + (3 s C^2 + 2 conj(B)) w + (3B^2 - 2 conj(C)) w^2: nine Fp2 squarings.
Fp12 cyclotomic_square(const Fp12& f) noexcept {
  // (a + b s)^2 = (a^2 + xi b^2) + ((a + b)^2 - a^2 - b^2) s.
  auto fp4_square = [](const Fp2& a, const Fp2& b, Fp2& out0, Fp2& out1) {
    const Fp2 a2 = square(a);
    const Fp2 b2 = square(b);
    out0 = a2 + mul_by_xi(b2);
    out1 = square(a + b) - a2 - b2;
  };
  const Fp2 &g0 = f.c0.c0, &g1 = f.c0.c1, &g2 = f.c0.c2;
  const Fp2 &h0 = f.c1.c0, &h1 = f.c1.c1, &h2 = f.c1.c2;
  Fp2 a0, a1, b0, b1, c0, c1;
  fp4_square(g0, h1, a0, a1);
  fp4_square(h0, g2, b0, b1);
  fp4_square(g1, h2, c0, c1);
  auto three_minus_two = [](const Fp2& x, const Fp2& y) { return dbl(x - y) + x; };  // 3x - 2y
  auto three_plus_two = [](const Fp2& x, const Fp2& y) { return dbl(x + y) + x; };   // 3x + 2y
  const Fp2 sc0 = mul_by_xi(c1);  // s * C^2 = xi c1 + c0 s
  return {{three_minus_two(a0, g0), three_minus_two(b0, g1), three_minus_two(c0, g2)},
          {three_plus_two(sc0, h0), three_plus_two(a1, h1), three_plus_two(b1, h2)}};
}

// f^|x| for f in the cyclotomic subgroup: 63 squarings and 5 products (|x| has six bits set).
Fp12 cyclotomic_pow_x_abs(const Fp12& f) noexcept {
  Fp12 acc = f;  // the leading bit, 63
  for (int i = 62; i >= 0; --i) {
    acc = cyclotomic_square(acc);
    if ((k_x_abs >> i) & 1) acc = acc * f;
  }
  return acc;
}

// f^x = (f^|x|)^-1, the inverse being the conjugate in the cyclotomic subgroup.
Fp12 cyclotomic_pow_x(const Fp12& f) noexcept {
  return conjugate(cyclotomic_pow_x_abs(f));
}

// f^(3 (p^12 - 1) / r): a power of the reduced pairing whose exponent is coprime to r, so it is one
// exactly when the reduced pairing is. The easy part (p^6 - 1)(p^2 + 1) lands in the cyclotomic
// subgroup; for the hard part, 3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3
// (Hayashida, Hayasaka and Teruya, "Efficient final exponentiation via cyclotomic structure for
// pairings over families of elliptic curves", 2020), five powers of x and four Frobenius maps.
Fp12 final_exponentiation(const Fp12& f) noexcept {
  Fp12 m = conjugate(f) * inverse(f);
  m = frobenius<2>(m) * m;

  const Fp12 a = cyclotomic_pow_x(m) * conjugate(m);     // m^(x - 1)
  const Fp12 b = cyclotomic_pow_x(a) * conjugate(a);     // m^((x - 1)^2)
  const Fp12 c = cyclotomic_pow_x(b) * frobenius<1>(b);  // b^(x + p)
  const Fp12 d =
      cyclotomic_pow_x(cyclotomic_pow_x(c)) * frobenius<2>(c) * conjugate(c);  // c^(x^2 + p^2 - 1)
  return d * cyclotomic_square(m) * m;
}

// ---------------------------------------------------------------------------------------------
// Curves. G1: y^2 = x^3 + 4 over Fp. G2: y^2 = x^3 + 4 xi over Fp2 (an M-type sextic twist).

constexpr Fp k_b1 = Fp::from_u64(4);
constexpr Fp2 k_b2 = k_xi * Fp::from_u64(4);
constexpr Fp2 k_3b2 = k_b2 + k_b2 + k_b2;

template <typename F>
struct Affine {
  F x, y;
  bool infinity = true;
};

// Jacobian (X, Y, Z) for (X / Z^2, Y / Z^3); Z == 0 is the point at infinity.
template <typename F>
struct Jacobian {
  F x = F::one(), y = F::one(), z = F::zero();

  [[nodiscard]] bool is_infinity() const noexcept { return z.is_zero(); }
  static Jacobian from(const Affine<F>& a) noexcept {
    if (a.infinity) return {};
    return {a.x, a.y, F::one()};
  }
};

template <typename F>
bool on_curve(const F& x, const F& y, const F& b) noexcept {
  return square(y) == square(x) * x + b;
}

// dbl-2009-l for a = 0. At infinity (Z = 0) the result keeps Z = 0.
template <typename F>
Jacobian<F> dbl(const Jacobian<F>& p) noexcept {
  const F a = square(p.x);
  const F b = square(p.y);
  const F c = square(b);
  const F d = dbl(square(p.x + b) - a - c);
  const F e = dbl(a) + a;
  const F f = square(e);
  Jacobian<F> out;
  out.x = f - dbl(d);
  out.y = e * (d - out.x) - dbl(dbl(dbl(c)));
  out.z = dbl(p.y * p.z);
  return out;
}

// add-2007-bl, with the cases the formula cannot take: either input at infinity, P == Q (double)
// and P == -Q (infinity).
template <typename F>
Jacobian<F> add(const Jacobian<F>& p, const Jacobian<F>& q) noexcept {
  if (p.is_infinity()) return q;
  if (q.is_infinity()) return p;
  const F z1z1 = square(p.z);
  const F z2z2 = square(q.z);
  const F u1 = p.x * z2z2;
  const F u2 = q.x * z1z1;
  const F s1 = p.y * q.z * z2z2;
  const F s2 = q.y * p.z * z1z1;
  const F h = u2 - u1;
  const F r = dbl(s2 - s1);
  if (h.is_zero()) {
    if (r.is_zero()) return dbl(p);
    return {};
  }
  const F i = square(dbl(h));
  const F j = h * i;
  const F v = u1 * i;
  Jacobian<F> out;
  out.x = square(r) - j - dbl(v);
  out.y = r * (v - out.x) - dbl(s1 * j);
  out.z = (square(p.z + q.z) - z1z1 - z2z2) * h;
  return out;
}

template <typename F>
Jacobian<F> negate(const Jacobian<F>& p) noexcept {
  return {p.x, -p.y, p.z};
}

// Whether P and Q are the same point, comparing X / Z^2 and Y / Z^3 without inversions.
template <typename F>
bool same_point(const Jacobian<F>& p, const Jacobian<F>& q) noexcept {
  if (p.is_infinity() || q.is_infinity()) return p.is_infinity() && q.is_infinity();
  const F z1z1 = square(p.z);
  const F z2z2 = square(q.z);
  return p.x * z2z2 == q.x * z1z1 && p.y * (z2z2 * q.z) == q.y * (z1z1 * p.z);
}

// The width-5 NAF of a 256-bit k, least significant digit first: k = sum d_i 2^i with d_i odd in
// (-16, 16) or zero, at most one nonzero digit in any five. Returns the number of digits (up to
// 257).
constexpr int k_wnaf_width = 5;
using Wnaf = std::array<std::int8_t, 257>;

int make_wnaf(const ScalarLimbs& k, Wnaf& digits) noexcept {
  digits = {};
  std::array<u64, 5> n = {k[0], k[1], k[2], k[3], 0};
  int len = 0;
  while ((n[0] | n[1] | n[2] | n[3] | n[4]) != 0) {
    std::int8_t d = 0;
    if (n[0] & 1) {
      int m = static_cast<int>(n[0] & ((1u << k_wnaf_width) - 1));
      if (m >= (1 << (k_wnaf_width - 1))) m -= (1 << k_wnaf_width);
      d = static_cast<std::int8_t>(m);
      // n -= m, leaving n divisible by 2^width.
      const std::array<u64, 5> delta = {static_cast<u64>(m > 0 ? m : -m), 0, 0, 0, 0};
      if (m > 0) {
        sub_n(n, n, delta);
      } else {
        add_n(n, n, delta);
      }
    }
    digits[len++] = d;
    for (int i = 0; i < 4; ++i) n[i] = (n[i] >> 1) | (n[i + 1] << 63);
    n[4] >>= 1;
  }
  return len;
}

// P, 3P, ..., 15P: the points a width-5 NAF digit adds.
template <typename F>
std::array<Jacobian<F>, 8> odd_multiples(const Jacobian<F>& p) noexcept {
  std::array<Jacobian<F>, 8> odd;  // odd[i] = (2i + 1) P
  odd[0] = p;
  const Jacobian<F> p2 = dbl(p);
  for (int i = 1; i < 8; ++i) odd[i] = add(odd[i - 1], p2);
  return odd;
}

template <typename F>
Jacobian<F> add_digit(const Jacobian<F>& acc, const std::array<Jacobian<F>, 8>& odd,
                      int d) noexcept {
  if (d > 0) return add(acc, odd[d / 2]);
  if (d < 0) return add(acc, negate(odd[-d / 2]));
  return acc;
}

// k * P with a width-5 NAF of the 256-bit scalar: at most one addition per five doublings.
template <typename F>
Jacobian<F> scalar_mul(const Jacobian<F>& p, const ScalarLimbs& k) noexcept {
  Wnaf digits;
  const int len = make_wnaf(k, digits);
  const auto odd = odd_multiples(p);
  Jacobian<F> acc;
  for (int i = len - 1; i >= 0; --i) acc = add_digit(dbl(acc), odd, digits[i]);
  return acc;
}

// |x| * P by double-and-add: 63 doublings and 5 additions.
template <typename F>
Jacobian<F> mul_by_x_abs(const Jacobian<F>& p) noexcept {
  Jacobian<F> acc = p;
  for (int i = 62; i >= 0; --i) {
    acc = dbl(acc);
    if ((k_x_abs >> i) & 1) acc = add(acc, p);
  }
  return acc;
}

template <typename F>
Affine<F> to_affine(const Jacobian<F>& p) noexcept {
  if (p.is_infinity()) return {};
  // Decoded points and the generators carry Z = 1, and need no inversion.
  if (p.z == F::one()) return {p.x, p.y, false};
  const F zi = inverse(p.z);
  const F zi2 = square(zi);
  return {p.x * zi2, p.y * zi2 * zi, false};
}

// A primitive cube root of unity in Fp, 2^((p - 1) / 3) (2 is not a cube), and the endomorphism
// phi(x, y) = (beta x, y) of the curve it makes. On G1, phi acts as multiplication by one of the
// two cube roots of unity modulo r, -x^2 or x^2 - 1, depending on which beta is taken; this beta
// gives -x^2 (the generator's test, and every valid KZG proof, depends on it).
constexpr Fp k_beta = pow(Fp::from_u64(2), div_exact(sub_small(k_p, 1), 3));

// Membership of a curve point P != O in G1, the order-r subgroup, as phi(P) == [-x^2] P: two
// 64-bit multiplications instead of a 255-bit one, and exactly equivalent to [r] P == O. If P is in
// G1, phi acts on it as [-x^2]. Conversely phi^2 + phi + 1 = 0 as an endomorphism (beta^2 + beta +
// 1 = 0), so phi(P) = [-x^2] P gives [x^4 - x^2 + 1] P = [r] P = O; and r does not divide the
// cofactor (x - 1)^2 / 3 < r, so the points of order r form the single subgroup G1. (Scott, "A
// note on group membership tests for G1, G2 and GT on BLS pairing-friendly curves", 2021.)
bool in_g1(const Affine<Fp>& p) noexcept {
  // [x^2] P = [|x|]([|x|] P), and [-x^2] P == phi(P) is [x^2] P == -phi(P) = (beta x, -y).
  const Jacobian<Fp> m = mul_by_x_abs(mul_by_x_abs(Jacobian<Fp>::from(p)));
  if (m.is_infinity()) return false;  // phi(P) is never O
  const Fp z2 = square(m.z);
  return m.x == k_beta * p.x * z2 && m.y == -(p.y * (z2 * m.z));
}

// k = k1 x^2 + k0 with k0 < x^2, by binary long division; x^2 is a 128-bit constant, so both
// halves of a 256-bit k have at most 129 bits.
struct SplitScalar {
  ScalarLimbs k0, k1;
};

SplitScalar split_by_x2(const ScalarLimbs& k) noexcept {
  constexpr u128 d = static_cast<u128>(k_x_abs) * k_x_abs;
  u128 rem = 0;
  ScalarLimbs q{};
  for (int bit = 255; bit >= 0; --bit) {
    // rem < d before the shift; when the shift carries out, the true 129-bit value exceeds d, and
    // subtracting d modulo 2^128 gives it exactly.
    const bool carry = (rem >> 127) != 0;
    rem = (rem << 1) | ((k[bit / 64] >> (bit % 64)) & 1);
    if (carry || rem >= d) {
      rem -= d;
      q[bit / 64] |= u64{1} << (bit % 64);
    }
  }
  return {{static_cast<u64>(rem), static_cast<u64>(rem >> 64), 0, 0}, q};
}

// k * P for P in G1 by the GLV method: k P = k0 P + k1 [x^2] P with [x^2] P = -phi(P), which
// costs one multiplication by beta, so the two halves share one run of about 129 doublings instead
// of 256. Only for points of G1, where phi acts as [-x^2].
Jacobian<Fp> g1_scalar_mul(const Jacobian<Fp>& p, const ScalarLimbs& k) noexcept {
  const SplitScalar split = split_by_x2(k);
  Wnaf d0;
  Wnaf d1;
  const int len = std::max(make_wnaf(split.k0, d0), make_wnaf(split.k1, d1));
  const auto odd0 = odd_multiples(p);
  std::array<Jacobian<Fp>, 8> odd1;
  for (int i = 0; i < 8; ++i) odd1[i] = {k_beta * odd0[i].x, -odd0[i].y, odd0[i].z};
  Jacobian<Fp> acc;
  for (int i = len - 1; i >= 0; --i) acc = add_digit(add_digit(dbl(acc), odd0, d0[i]), odd1, d1[i]);
  return acc;
}

// Membership of a twist point in G2 by the definition, [r] Q == O. G2 points are decoded rarely
// (the setup's one point for KZG), so the plain 255-bit multiplication is worth its certainty.
bool in_g2(const Affine<Fp2>& q) noexcept {
  return scalar_mul(Jacobian<Fp2>::from(q), k_r).is_infinity();
}

// ---------------------------------------------------------------------------------------------
// Encoding.

constexpr std::size_t k_fp_bytes = 48;
constexpr std::uint8_t k_flag_compressed = 0x80;
constexpr std::uint8_t k_flag_infinity = 0x40;
constexpr std::uint8_t k_flag_larger = 0x20;
constexpr std::uint8_t k_flag_mask = 0xe0;

Limbs read_limbs(const std::uint8_t* in) noexcept {
  Limbs out{};
  for (int i = 0; i < k_limbs; ++i) {
    u64 limb = 0;
    for (int j = 0; j < 8; ++j) limb = (limb << 8) | in[(k_limbs - 1 - i) * 8 + j];
    out[i] = limb;
  }
  return out;
}

void write_limbs(const Limbs& v, std::uint8_t* out) noexcept {
  for (int i = 0; i < k_limbs; ++i) {
    for (int j = 0; j < 8; ++j) {
      out[(k_limbs - 1 - i) * 8 + j] = static_cast<std::uint8_t>(v[i] >> (56 - 8 * j));
    }
  }
}

// A coordinate from 48 big-endian bytes whose flag bits the caller has cleared.
std::optional<Fp> read_fp(const std::uint8_t* in) noexcept {
  const Limbs plain = read_limbs(in);
  if (!less_n(plain, k_p)) return std::nullopt;
  return to_mont(plain);
}

ScalarLimbs read_scalar(const Scalar& k) noexcept {
  ScalarLimbs out{};
  for (int i = 0; i < 4; ++i) {
    u64 limb = 0;
    for (int j = 0; j < 8; ++j) limb = (limb << 8) | k.bytes[(3 - i) * 8 + j];
    out[i] = limb;
  }
  return out;
}

// The checks on the flags common to both groups. Returns true for the one encoding of infinity,
// false for a finite point (whose x the caller reads with the flags cleared).
Result<bool> read_flags(ByteView in, const char* group) {
  const std::uint8_t flags = in[0] & k_flag_mask;
  if ((flags & k_flag_compressed) == 0) {
    return fail(Errc::invalid_curve_point,
                std::string("BLS12-381 ") + group + " encoding lacks the compression flag");
  }
  if ((flags & k_flag_infinity) == 0) return false;
  bool rest_zero = (in[0] & ~k_flag_mask) == 0 && (flags & k_flag_larger) == 0;
  for (std::size_t i = 1; i < in.size(); ++i) rest_zero = rest_zero && in[i] == 0;
  if (!rest_zero) {
    return fail(Errc::invalid_curve_point,
                std::string("BLS12-381 ") + group + " infinity encoding has other bits set");
  }
  return true;
}

Result<Affine<Fp>> decode_g1(const FixedBytes<48>& in) {
  ROLLUP_TRY(const bool infinity, read_flags(in.view(), "G1"));
  if (infinity) return Affine<Fp>{};
  FixedBytes<48> bare = in;
  bare.bytes[0] &= static_cast<std::uint8_t>(~k_flag_mask);
  const auto x = read_fp(bare.data());
  if (!x) return fail(Errc::invalid_curve_point, "BLS12-381 G1 x is not below the field modulus");
  const auto y = sqrt(square(*x) * *x + k_b1);
  if (!y) return fail(Errc::invalid_curve_point, "BLS12-381 G1 point is not on the curve");
  const bool larger = (in.bytes[0] & k_flag_larger) != 0;
  const Affine<Fp> p{*x, is_larger_half(*y) == larger ? *y : -*y, false};
  if (!in_g1(p)) {
    return fail(Errc::invalid_curve_point, "BLS12-381 G1 point is not in the order-r subgroup");
  }
  return p;
}

// x = c0 + c1 i is written c1 then c0; only c1's first byte carries flags.
Result<Affine<Fp2>> decode_g2(const FixedBytes<96>& in) {
  ROLLUP_TRY(const bool infinity, read_flags(in.view(), "G2"));
  if (infinity) return Affine<Fp2>{};
  FixedBytes<96> bare = in;
  bare.bytes[0] &= static_cast<std::uint8_t>(~k_flag_mask);
  const auto x1 = read_fp(bare.data());
  const auto x0 = read_fp(bare.data() + k_fp_bytes);
  if (!x0 || !x1) {
    return fail(Errc::invalid_curve_point, "BLS12-381 G2 x is not below the field modulus");
  }
  const Fp2 x{*x0, *x1};
  const auto y = sqrt(square(x) * x + k_b2);
  if (!y) return fail(Errc::invalid_curve_point, "BLS12-381 G2 point is not on the twist curve");
  const bool larger = (in.bytes[0] & k_flag_larger) != 0;
  const Affine<Fp2> q{x, is_larger_half(*y) == larger ? *y : -*y, false};
  if (!in_g2(q)) {
    return fail(Errc::invalid_curve_point, "BLS12-381 G2 point is not in the order-r subgroup");
  }
  return q;
}

FixedBytes<48> encode_g1(const Affine<Fp>& p) noexcept {
  FixedBytes<48> out;
  if (p.infinity) {
    out.bytes[0] = k_flag_compressed | k_flag_infinity;
    return out;
  }
  write_limbs(from_mont(p.x), out.data());
  out.bytes[0] |= k_flag_compressed | (is_larger_half(p.y) ? k_flag_larger : 0);
  return out;
}

FixedBytes<96> encode_g2(const Affine<Fp2>& q) noexcept {
  FixedBytes<96> out;
  if (q.infinity) {
    out.bytes[0] = k_flag_compressed | k_flag_infinity;
    return out;
  }
  write_limbs(from_mont(q.x.c1), out.data());
  write_limbs(from_mont(q.x.c0), out.data() + k_fp_bytes);
  out.bytes[0] |= k_flag_compressed | (is_larger_half(q.y) ? k_flag_larger : 0);
  return out;
}

// The generators, as the ZCash BLS12-381 specification (and the consensus specs' G1/G2 points)
// give them.
constexpr Affine<Fp> k_g1 = {to_mont({0xfb3af00adb22c6bb, 0x6c55e83ff97a1aef, 0xa14e3a3f171bac58,
                                      0xc3688c4f9774b905, 0x2695638c4fa9ac0f, 0x17f1d3a73197d794}),
                             to_mont({0x0caa232946c5e7e1, 0xd03cc744a2888ae4, 0x00db18cb2c04b3ed,
                                      0xfcf5e095d5d00af6, 0xa09e30ed741d8ae4, 0x08b3f481e3aaa0f1}),
                             false};
constexpr Affine<Fp2> k_g2 = {
    {to_mont({0xd48056c8c121bdb8, 0x0bac0326a805bbef, 0xb4510b647ae3d177, 0xc6e47ad4fa403b02,
              0x260805272dc51051, 0x024aa2b2f08f0a91}),
     to_mont({0xe5ac7d055d042b7e, 0x334cf11213945d57, 0xb5da61bbdc7f5049, 0x596bd0d09920b61a,
              0x7dacd3a088274f65, 0x13e02b6052719f60})},
    {to_mont({0xe193548608b82801, 0x923ac9cc3baca289, 0x6d429a695160d12c, 0xadfd9baa8cbdd3a7,
              0x8cc9cdc6da2e351a, 0x0ce5d527727d6e11}),
     to_mont({0xaaa9075ff05f79be, 0x3f370d275cec1da1, 0x267492ab572e99ab, 0xcb3e287e85a763af,
              0x32acd2b02bc28b99, 0x0606c4a02ea734cc})},
    false};

// ---------------------------------------------------------------------------------------------
// Miller loop.

// A line evaluated at a G1 point, a + b w^2 + c w^3 (times a factor in Fp2, which the final
// exponentiation removes): in the tower, c0 = (a, b, 0) and c1 = (0, c, 0).
struct Line {
  Fp2 a, b, c;
};

// f * line in thirteen Fp2 products instead of eighteen.
Fp12 mul_by_line(const Fp12& f, const Line& l) noexcept {
  const Fp6 t0 = mul_by_01(f.c0, l.a, l.b);
  const Fp6 t1 = mul_by_1(f.c1, l.c);
  const Fp6 c1 = mul_by_01(f.c0 + f.c1, l.a, l.b + l.c) - t0 - t1;
  return {t0 + mul_by_v(t1), c1};
}

// G2 points in the loop are homogeneous projective (X / Z, Y / Z), with the doubling and addition
// formulas of Costello, Lange and Naehrig ("Faster pairing computations on curves with high-degree
// twists", 2010). The M-type twist untwists as (x, y) -> (x / w^2, y / w^3), so a line through T
// with twist slope s, at P = (xp, yp), is yp - (s / w) xp + (s xT - yT) / w^3; times w^3 it is
// (s xT - yT) - s xp w^2 + yp w^3, and w^3 lies in a proper subfield, which the final
// exponentiation removes.
struct Projective2 {
  Fp2 x, y, z;
};

struct PairState {
  Fp neg_xp, yp;  // the G1 point
  Affine<Fp2> q;  // the G2 point
  Projective2 t;  // the running multiple of Q
};

// T = 2T. The line, scaled by 2YZ^2 and divided by Z with the curve equation, is
// (Y^2 - 3b' Z^2) - 3X^2 xp w^2 + 2YZ yp w^3.
Line double_step(Projective2& t, const Fp& neg_xp, const Fp& yp) noexcept {
  const Fp2 a = half(t.x * t.y);
  const Fp2 b = square(t.y);
  const Fp2 c = square(t.z);
  const Fp2 e = k_3b2 * c;
  const Fp2 f = dbl(e) + e;
  const Fp2 g = half(b + f);
  const Fp2 h = square(t.y + t.z) - (b + c);  // 2YZ
  const Fp2 x2 = square(t.x);
  const Fp2 e2 = square(e);
  t.x = a * (b - f);
  t.y = square(g) - (dbl(e2) + e2);
  t.z = b * h;
  return {b - e, (dbl(x2) + x2) * neg_xp, h * yp};
}

// T = T + Q for affine Q. With theta = Y - yQ Z and lambda = X - xQ Z (the slope is theta /
// lambda), the line times lambda is (theta xQ - lambda yQ) - theta xp w^2 + lambda yp w^3.
Line add_step(Projective2& t, const Affine<Fp2>& q, const Fp& neg_xp, const Fp& yp) noexcept {
  const Fp2 theta = t.y - q.y * t.z;
  const Fp2 lambda = t.x - q.x * t.z;
  const Fp2 c = square(theta);
  const Fp2 d = square(lambda);
  const Fp2 e = d * lambda;
  const Fp2 f = t.z * c;
  const Fp2 g = t.x * d;
  const Fp2 h = e + f - dbl(g);
  t.x = lambda * h;
  t.y = theta * (g - h) - e * t.y;
  t.z = t.z * e;
  return {theta * q.x - lambda * q.y, theta * neg_xp, lambda * yp};
}

// The product of the Miller loop values f_{|x|, Q}(P) of all pairs, sharing the squarings of f,
// then conjugated: x is negative, and f_{x, Q} = 1 / f_{|x|, Q} up to a vertical line, which the
// final exponentiation removes with the other subfield factors; on the result of that, the
// inverse is the conjugate.
Fp12 multi_miller_loop(std::vector<PairState>& pairs) noexcept {
  Fp12 f = Fp12::one();
  for (auto& s : pairs) s.t = {s.q.x, s.q.y, Fp2::one()};
  for (int i = 62; i >= 0; --i) {
    if (i != 62) f = square(f);  // f is one before the first step
    for (auto& s : pairs) {
      f = mul_by_line(f, double_step(s.t, s.neg_xp, s.yp));
      if ((k_x_abs >> i) & 1) f = mul_by_line(f, add_step(s.t, s.q, s.neg_xp, s.yp));
    }
  }
  return conjugate(f);
}

}  // namespace

// The coordinates of the public types are the implementation's Jacobian points, bit for bit.
class Internal {
 public:
  static Jacobian<Fp> get(const G1& p) noexcept { return std::bit_cast<Jacobian<Fp>>(p.m_xyz); }
  static Jacobian<Fp2> get(const G2& q) noexcept { return std::bit_cast<Jacobian<Fp2>>(q.m_xyz); }
  static G1 make(const Jacobian<Fp>& p) noexcept {
    G1 out;
    out.m_xyz = std::bit_cast<decltype(out.m_xyz)>(p);
    return out;
  }
  static G2 make(const Jacobian<Fp2>& q) noexcept {
    G2 out;
    out.m_xyz = std::bit_cast<decltype(out.m_xyz)>(q);
    return out;
  }
};

G1 G1::generator() noexcept {
  return Internal::make(Jacobian<Fp>::from(k_g1));
}

Result<G1> G1::decompress(const FixedBytes<48>& bytes) {
  ROLLUP_TRY(const Affine<Fp> p, decode_g1(bytes));
  return Internal::make(Jacobian<Fp>::from(p));
}

FixedBytes<48> G1::compress() const noexcept {
  return encode_g1(to_affine(Internal::get(*this)));
}

bool G1::is_infinity() const noexcept {
  return Internal::get(*this).is_infinity();
}

G1 operator+(const G1& a, const G1& b) noexcept {
  return Internal::make(add(Internal::get(a), Internal::get(b)));
}

G1 operator-(const G1& a) noexcept {
  return Internal::make(negate(Internal::get(a)));
}

G1 operator*(const G1& p, const Scalar& k) noexcept {
  return Internal::make(g1_scalar_mul(Internal::get(p), read_scalar(k)));
}

bool operator==(const G1& a, const G1& b) noexcept {
  return same_point(Internal::get(a), Internal::get(b));
}

G2 G2::generator() noexcept {
  return Internal::make(Jacobian<Fp2>::from(k_g2));
}

Result<G2> G2::decompress(const FixedBytes<96>& bytes) {
  ROLLUP_TRY(const Affine<Fp2> q, decode_g2(bytes));
  return Internal::make(Jacobian<Fp2>::from(q));
}

FixedBytes<96> G2::compress() const noexcept {
  return encode_g2(to_affine(Internal::get(*this)));
}

bool G2::is_infinity() const noexcept {
  return Internal::get(*this).is_infinity();
}

G2 operator+(const G2& a, const G2& b) noexcept {
  return Internal::make(add(Internal::get(a), Internal::get(b)));
}

G2 operator-(const G2& a) noexcept {
  return Internal::make(negate(Internal::get(a)));
}

G2 operator*(const G2& q, const Scalar& k) noexcept {
  return Internal::make(scalar_mul(Internal::get(q), read_scalar(k)));
}

bool operator==(const G2& a, const G2& b) noexcept {
  return same_point(Internal::get(a), Internal::get(b));
}

bool pairing_check(std::span<const PairingTerm> terms) noexcept {
  std::vector<PairState> pairs;
  pairs.reserve(terms.size());
  for (const auto& term : terms) {
    const Affine<Fp> p = to_affine(Internal::get(term.p));
    const Affine<Fp2> q = to_affine(Internal::get(term.q));
    if (p.infinity || q.infinity) continue;  // e(O, Q) = e(P, O) = 1
    pairs.push_back({-p.x, p.y, q, {}});
  }
  if (pairs.empty()) return true;
  return final_exponentiation(multi_miller_loop(pairs)) == Fp12::one();
}

}  // namespace rollup::crypto::bls12_381
