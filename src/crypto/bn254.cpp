#include "rollup/crypto/bn254.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "rollup/base/assert.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Layout: Fp (Montgomery form on four 64-bit limbs), the tower Fp2 = Fp[i]/(i^2 + 1),
// Fp6 = Fp2[v]/(v^3 - xi) with xi = 9 + i, Fp12 = Fp6[w]/(w^2 - v); Jacobian points for scalar
// multiplication on both curves; and the optimal ate pairing (Miller loop over 6u + 2 with
// homogeneous projective G2 points, then one final exponentiation for all pairs).
//
// Every constant derived from p (Montgomery constants, Frobenius coefficients, the twist's b) is
// computed at compile time from p itself, so the only numbers written out are p, r and u.

namespace rollup::crypto::bn254 {
namespace {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;  // -Wpedantic rejects the plain spelling
using Limbs = std::array<u64, 4>;              // least significant first

// Additions are a few instructions; as calls, with their operands passed through memory, they cost
// more than the multiplications in the tower, so they are always inlined.
#define ROLLUP_BN_INLINE [[gnu::always_inline]] inline

// The field modulus p and the group order r, from the BN parameter u: p = 36u^4 + 36u^3 + 24u^2 +
// 6u + 1, r = 36u^4 + 36u^3 + 18u^2 + 6u + 1.
constexpr Limbs k_p = {0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d,
                       0x30644e72e131a029};
constexpr Limbs k_r = {0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d,
                       0x30644e72e131a029};
constexpr u64 k_u = 4965661367192848881;

constexpr bool limbs_less(const Limbs& a, const Limbs& b) noexcept {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

// Add and subtract with carry. At run time on x86-64 these are the adc/sbb intrinsics, which GCC
// chains into single instructions (its code for the same through unsigned __int128 is several
// times longer); at compile time, for the constants, and elsewhere the portable form.
ROLLUP_BN_INLINE constexpr u64 addc(u64 a, u64 b, unsigned char& carry) noexcept {
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

ROLLUP_BN_INLINE constexpr u64 subb(u64 a, u64 b, unsigned char& borrow) noexcept {
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

// a - b with the borrow out.
ROLLUP_BN_INLINE constexpr u64 sub_limbs(Limbs& out, const Limbs& a, const Limbs& b) noexcept {
  unsigned char borrow = 0;
  out[0] = subb(a[0], b[0], borrow);
  out[1] = subb(a[1], b[1], borrow);
  out[2] = subb(a[2], b[2], borrow);
  out[3] = subb(a[3], b[3], borrow);
  return borrow;
}

ROLLUP_BN_INLINE constexpr u64 add_limbs(Limbs& out, const Limbs& a, const Limbs& b) noexcept {
  unsigned char carry = 0;
  out[0] = addc(a[0], b[0], carry);
  out[1] = addc(a[1], b[1], carry);
  out[2] = addc(a[2], b[2], carry);
  out[3] = addc(a[3], b[3], carry);
  return carry;
}

// -p^-1 mod 2^64, by Newton's iteration (each step doubles the correct low bits).
constexpr u64 k_p_inv = [] {
  u64 x = 1;
  for (int i = 0; i < 7; ++i) x *= 2 - k_p[0] * x;
  return ~x + 1;
}();

// ---------------------------------------------------------------------------------------------
// Fp: an element a is held as a * 2^256 mod p, fully reduced (< p).

struct Fp {
  Limbs v{};

  static constexpr Fp zero() noexcept { return {}; }
  static constexpr Fp one() noexcept;
  static constexpr Fp from_u64(u64 x) noexcept;
  [[nodiscard]] constexpr bool is_zero() const noexcept { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  friend constexpr bool operator==(const Fp&, const Fp&) noexcept = default;
};

// s - p when s >= p, else s, without a branch: the comparison goes either way at random, and a
// mispredicted branch costs more than the subtraction.
ROLLUP_BN_INLINE constexpr Limbs reduce_once(const Limbs& s) noexcept {
  Limbs t;
  const bool below = sub_limbs(t, s, k_p) != 0;
  for (int i = 0; i < 4; ++i) t[i] = below ? s[i] : t[i];
  return t;
}

ROLLUP_BN_INLINE constexpr Fp operator+(const Fp& a, const Fp& b) noexcept {
  // p < 2^254, so the sum of two reduced values cannot carry out of 256 bits.
  Limbs s;
  add_limbs(s, a.v, b.v);
  return {reduce_once(s)};
}

ROLLUP_BN_INLINE constexpr Fp operator-(const Fp& a, const Fp& b) noexcept {
  Limbs d;
  const bool borrow = sub_limbs(d, a.v, b.v) != 0;  // then add p back
  Limbs p_or_zero;
  for (int i = 0; i < 4; ++i) p_or_zero[i] = borrow ? k_p[i] : 0;
  add_limbs(d, d, p_or_zero);
  return {d};
}

ROLLUP_BN_INLINE constexpr Fp operator-(const Fp& a) noexcept {
  return Fp::zero() - a;
}

// Montgomery product a * b / 2^256 mod p, one row per limb of b (coarsely integrated operand
// scanning): add a * b_i to the five-limb total t, add m p with m chosen to zero t's low limb, and
// shift t down a limb. Since p < 2^254, t stays below 2p < 2^255 between rows and within five
// limbs inside a row, so no further carry word is needed.
constexpr Fp operator*(const Fp& a, const Fp& b) noexcept {
  u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
  for (int i = 0; i < 4; ++i) {
    const u64 bi = b.v[i];
    // Products as (hi, lo): the low halves go into limbs 0..3, the high halves into 1..4.
    const u128 p0 = static_cast<u128>(a.v[0]) * bi;
    const u128 p1 = static_cast<u128>(a.v[1]) * bi;
    const u128 p2 = static_cast<u128>(a.v[2]) * bi;
    const u128 p3 = static_cast<u128>(a.v[3]) * bi;
    unsigned char c = 0;
    t0 = addc(t0, static_cast<u64>(p0), c);
    t1 = addc(t1, static_cast<u64>(p1), c);
    t2 = addc(t2, static_cast<u64>(p2), c);
    t3 = addc(t3, static_cast<u64>(p3), c);
    t4 = c;
    c = 0;
    t1 = addc(t1, static_cast<u64>(p0 >> 64), c);
    t2 = addc(t2, static_cast<u64>(p1 >> 64), c);
    t3 = addc(t3, static_cast<u64>(p2 >> 64), c);
    t4 = addc(t4, static_cast<u64>(p3 >> 64), c);

    const u64 m = t0 * k_p_inv;
    const u128 q0 = static_cast<u128>(m) * k_p[0];
    const u128 q1 = static_cast<u128>(m) * k_p[1];
    const u128 q2 = static_cast<u128>(m) * k_p[2];
    const u128 q3 = static_cast<u128>(m) * k_p[3];
    c = 0;
    addc(t0, static_cast<u64>(q0), c);  // zero by the choice of m; only its carry matters
    t1 = addc(t1, static_cast<u64>(q1), c);
    t2 = addc(t2, static_cast<u64>(q2), c);
    t3 = addc(t3, static_cast<u64>(q3), c);
    t4 = addc(t4, 0, c);
    c = 0;
    t0 = addc(t1, static_cast<u64>(q0 >> 64), c);
    t1 = addc(t2, static_cast<u64>(q1 >> 64), c);
    t2 = addc(t3, static_cast<u64>(q2 >> 64), c);
    t3 = addc(t4, static_cast<u64>(q3 >> 64), c);
    t4 = 0;
  }
  return {reduce_once({t0, t1, t2, t3})};
}

// Unreduced products for lazy reduction: a * b as 512 bits, and its Montgomery reduction.
using Wide = std::array<u64, 8>;

// a * b for a, b < 2^256, by rows: each adds a * b_i at limb i, and a row's partial sum never
// reaches past limb i + 4.
constexpr Wide mul_wide(const Limbs& a, const Limbs& b) noexcept {
  Wide r{};
  for (int i = 0; i < 4; ++i) {
    const u128 p0 = static_cast<u128>(a[0]) * b[i];
    const u128 p1 = static_cast<u128>(a[1]) * b[i];
    const u128 p2 = static_cast<u128>(a[2]) * b[i];
    const u128 p3 = static_cast<u128>(a[3]) * b[i];
    unsigned char c = 0;
    r[i] = addc(r[i], static_cast<u64>(p0), c);
    r[i + 1] = addc(r[i + 1], static_cast<u64>(p1), c);
    r[i + 2] = addc(r[i + 2], static_cast<u64>(p2), c);
    r[i + 3] = addc(r[i + 3], static_cast<u64>(p3), c);
    r[i + 4] = c;  // not written by earlier rows
    c = 0;
    r[i + 1] = addc(r[i + 1], static_cast<u64>(p0 >> 64), c);
    r[i + 2] = addc(r[i + 2], static_cast<u64>(p1 >> 64), c);
    r[i + 3] = addc(r[i + 3], static_cast<u64>(p2 >> 64), c);
    r[i + 4] = addc(r[i + 4], static_cast<u64>(p3 >> 64), c);
  }
  return r;
}

ROLLUP_BN_INLINE constexpr u64 add_wide(Wide& out, const Wide& a, const Wide& b) noexcept {
  unsigned char carry = 0;
  for (int i = 0; i < 8; ++i) out[i] = addc(a[i], b[i], carry);
  return carry;
}

ROLLUP_BN_INLINE constexpr u64 sub_wide(Wide& out, const Wide& a, const Wide& b) noexcept {
  unsigned char borrow = 0;
  for (int i = 0; i < 8; ++i) out[i] = subb(a[i], b[i], borrow);
  return borrow;
}

constexpr Wide k_p_squared = mul_wide(k_p, k_p);

// t / 2^256 mod p for t < 2p^2, as a reduced element: the low half through the reduction rows of
// the product above, which leave at most p, then the high half (below 2p^2 / 2^256 < p) added.
constexpr Fp redc(const Wide& t) noexcept {
  u64 t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
  for (int i = 0; i < 4; ++i) {
    const u64 m = t0 * k_p_inv;
    const u128 q0 = static_cast<u128>(m) * k_p[0];
    const u128 q1 = static_cast<u128>(m) * k_p[1];
    const u128 q2 = static_cast<u128>(m) * k_p[2];
    const u128 q3 = static_cast<u128>(m) * k_p[3];
    unsigned char c = 0;
    addc(t0, static_cast<u64>(q0), c);  // zero by the choice of m; only its carry matters
    t1 = addc(t1, static_cast<u64>(q1), c);
    t2 = addc(t2, static_cast<u64>(q2), c);
    t3 = addc(t3, static_cast<u64>(q3), c);
    const u64 t4 = c;
    c = 0;
    t0 = addc(t1, static_cast<u64>(q0 >> 64), c);
    t1 = addc(t2, static_cast<u64>(q1 >> 64), c);
    t2 = addc(t3, static_cast<u64>(q2 >> 64), c);
    t3 = addc(t4, static_cast<u64>(q3 >> 64), c);
  }
  Limbs sum;
  add_limbs(sum, {t0, t1, t2, t3}, {t[4], t[5], t[6], t[7]});
  return {reduce_once(sum)};
}

constexpr Fp square(const Fp& a) noexcept {
  return a * a;
}
ROLLUP_BN_INLINE constexpr Fp dbl(const Fp& a) noexcept {
  return a + a;
}

// a / 2: p is odd, so a + p is even when a is odd; a + p < 2^255 cannot carry out.
constexpr Fp half(const Fp& a) noexcept {
  Fp t = a;
  const bool odd = (t.v[0] & 1) != 0;
  Limbs p_or_zero;
  for (int i = 0; i < 4; ++i) p_or_zero[i] = odd ? k_p[i] : 0;
  add_limbs(t.v, t.v, p_or_zero);
  for (int i = 0; i < 3; ++i) t.v[i] = (t.v[i] >> 1) | (t.v[i + 1] << 63);
  t.v[3] >>= 1;
  return t;
}

// 2^512 mod p, which takes a plain number into Montgomery form.
constexpr Fp k_r2 = [] {
  Fp x{{1, 0, 0, 0}};
  for (int i = 0; i < 512; ++i) x = x + x;  // modular doubling works on plain numbers too
  return x;
}();

constexpr Fp to_mont(const Limbs& plain) noexcept {
  return Fp{plain} * k_r2;
}
constexpr Limbs from_mont(const Fp& a) noexcept {
  return (a * Fp{{1, 0, 0, 0}}).v;
}

constexpr Fp Fp::one() noexcept {
  return to_mont({1, 0, 0, 0});
}
constexpr Fp Fp::from_u64(u64 x) noexcept {
  return to_mont({x, 0, 0, 0});
}

// base^e by left-to-right square and multiply over 4-bit windows; T is any field with * and one().
template <typename T>
constexpr T pow(const T& base, const Limbs& e) noexcept {
  std::array<T, 16> table{};
  table[0] = T::one();
  for (int i = 1; i < 16; ++i) table[i] = table[i - 1] * base;
  T acc = T::one();
  for (int i = 63; i >= 0; --i) {
    const unsigned nibble = (e[i / 16] >> ((i % 16) * 4)) & 0xf;
    acc = square(square(square(square(acc))));
    if (nibble != 0) acc = acc * table[nibble];
  }
  return acc;
}

constexpr Limbs limbs_minus_small(const Limbs& a, u64 small) noexcept {
  Limbs out;
  sub_limbs(out, a, Limbs{small, 0, 0, 0});
  return out;
}

// Variable-time inversion with Bernstein and Yang's division steps ("Fast constant-time gcd
// computation and modular inversion", 2019), which is several times faster than Fermat's a^(p - 2)
// and decides the cost of ECADD, whose affine result needs one inversion.
//
// A divstep maps (delta, f, g) with f odd to (1 - delta, g, (g - f) / 2) when delta > 0 and g is
// odd, to (1 + delta, f, (g + f) / 2) when only g is odd, and to (1 + delta, f, g / 2) otherwise.
// From f = p, g = a, it reaches g = 0 with f = +-1. The steps depend only on the low bits of f and
// g, so they run 62 at a time on one machine word, collecting the 2x2 matrix that the batch applies
// to f and g (scaled by 2^62); the same matrix, applied modulo p to (d, e) from (0, 1), keeps f = d
// a and g = e a (mod p), so at the end a^-1 = +-d. delta starts at 1/2 (held doubled, as an odd
// integer), which needs fewer steps than 1.
namespace safegcd {

__extension__ typedef __int128 i128;  // -Wpedantic rejects the plain spelling
using i64 = std::int64_t;

constexpr int k_shift = 62;
constexpr i64 k_mask = (i64{1} << k_shift) - 1;

// A signed number as five limbs of 62 bits: limbs 0..3 in [0, 2^62), the top limb signed. The spare
// bits keep a matrix product of limbs and the carries inside an __int128.
struct Signed62 {
  std::array<i64, 5> l{};
};

constexpr Signed62 from_limbs(const Limbs& a) noexcept {
  return {{static_cast<i64>(a[0] & k_mask), static_cast<i64>(((a[0] >> 62) | (a[1] << 2)) & k_mask),
           static_cast<i64>(((a[1] >> 60) | (a[2] << 4)) & k_mask),
           static_cast<i64>(((a[2] >> 58) | (a[3] << 6)) & k_mask), static_cast<i64>(a[3] >> 56)}};
}

// For a value in [0, 2^256).
constexpr Limbs to_limbs(const Signed62& s) noexcept {
  const auto l = [&](int i) { return static_cast<u64>(s.l[i]); };
  return {l(0) | (l(1) << 62), (l(1) >> 2) | (l(2) << 60), (l(2) >> 4) | (l(3) << 58),
          (l(3) >> 6) | (l(4) << 56)};
}

constexpr Signed62 k_p62 = from_limbs(k_p);
// p^-1 mod 2^62, from -p^-1 mod 2^64.
constexpr u64 k_p_inv62 = (0 - k_p_inv) & static_cast<u64>(k_mask);

// 2^62 times the matrix of 62 divsteps: 2^62 (f', g') = (u f + v g, q f + r g).
struct Matrix {
  i64 u, v, q, r;
};

// Runs 62 divsteps on the low 64 bits of f and g and returns the new (doubled) delta. Runs of zero
// low bits of g are taken in one shift; the entries stay within 2^62 in absolute value, as
// |u| + |v| and |q| + |r| at most double with each step.
i64 divsteps(i64 delta, u64 f, u64 g, Matrix& m) noexcept {
  i64 u = 1, v = 0, q = 0, r = 1;
  int left = k_shift;
  for (;;) {
    const int zeros = std::countr_zero(g | (u64{1} << left));
    g >>= zeros;
    u <<= zeros;
    v <<= zeros;
    delta += 2 * zeros;
    left -= zeros;
    if (left == 0) break;
    // g is odd.
    if (delta > 0) {
      delta = -delta;
      const u64 f0 = f;
      f = g;
      g = 0 - f0;
      const i64 u0 = u, v0 = v;
      u = q;
      v = r;
      q = -u0;
      r = -v0;
    }
    g += f;
    q += u;
    r += v;
  }
  m = {u, v, q, r};
  return delta;
}

// (f, g) = M (f, g) / 2^62; the division is exact.
void apply_fg(Signed62& f, Signed62& g, const Matrix& m) noexcept {
  i128 cf = static_cast<i128>(m.u) * f.l[0] + static_cast<i128>(m.v) * g.l[0];
  i128 cg = static_cast<i128>(m.q) * f.l[0] + static_cast<i128>(m.r) * g.l[0];
  cf >>= k_shift;
  cg >>= k_shift;
  for (int i = 1; i < 5; ++i) {
    cf += static_cast<i128>(m.u) * f.l[i] + static_cast<i128>(m.v) * g.l[i];
    cg += static_cast<i128>(m.q) * f.l[i] + static_cast<i128>(m.r) * g.l[i];
    f.l[i - 1] = static_cast<i64>(cf) & k_mask;
    g.l[i - 1] = static_cast<i64>(cg) & k_mask;
    cf >>= k_shift;
    cg >>= k_shift;
  }
  f.l[4] = static_cast<i64>(cf);
  g.l[4] = static_cast<i64>(cg);
}

// Moves a value in (-p, 2p) into [0, p), with limbs 0..3 back in [0, 2^62).
void normalize(Signed62& x) noexcept {
  const auto carry = [](Signed62& y) {
    for (int i = 0; i < 4; ++i) {
      y.l[i + 1] += y.l[i] >> k_shift;
      y.l[i] &= k_mask;
    }
  };
  carry(x);
  if (x.l[4] < 0) {
    for (int i = 0; i < 5; ++i) x.l[i] += k_p62.l[i];
    carry(x);
    return;
  }
  Signed62 y = x;
  for (int i = 0; i < 5; ++i) y.l[i] -= k_p62.l[i];
  carry(y);
  if (y.l[4] >= 0) x = y;
}

// (d, e) = M (d, e) / 2^62 mod p, for d and e in [0, p). Adding md p and me p, with md and me in
// [0, 2^62) chosen to clear the low 62 bits, makes the division exact; the results lie in (-p, 2p)
// because |u| + |v| <= 2^62, and are brought back into [0, p).
void apply_de(Signed62& d, Signed62& e, const Matrix& m) noexcept {
  const u64 d0 = static_cast<u64>(d.l[0]);
  const u64 e0 = static_cast<u64>(e.l[0]);
  const u64 md = (0 - (static_cast<u64>(m.u) * d0 + static_cast<u64>(m.v) * e0) * k_p_inv62) &
                 static_cast<u64>(k_mask);
  const u64 me = (0 - (static_cast<u64>(m.q) * d0 + static_cast<u64>(m.r) * e0) * k_p_inv62) &
                 static_cast<u64>(k_mask);
  const i64 smd = static_cast<i64>(md);
  const i64 sme = static_cast<i64>(me);
  i128 cd = static_cast<i128>(m.u) * d.l[0] + static_cast<i128>(m.v) * e.l[0] +
            static_cast<i128>(smd) * k_p62.l[0];
  i128 ce = static_cast<i128>(m.q) * d.l[0] + static_cast<i128>(m.r) * e.l[0] +
            static_cast<i128>(sme) * k_p62.l[0];
  cd >>= k_shift;
  ce >>= k_shift;
  for (int i = 1; i < 5; ++i) {
    cd += static_cast<i128>(m.u) * d.l[i] + static_cast<i128>(m.v) * e.l[i] +
          static_cast<i128>(smd) * k_p62.l[i];
    ce += static_cast<i128>(m.q) * d.l[i] + static_cast<i128>(m.r) * e.l[i] +
          static_cast<i128>(sme) * k_p62.l[i];
    d.l[i - 1] = static_cast<i64>(cd) & k_mask;
    e.l[i - 1] = static_cast<i64>(ce) & k_mask;
    cd >>= k_shift;
    ce >>= k_shift;
  }
  d.l[4] = static_cast<i64>(cd);
  e.l[4] = static_cast<i64>(ce);
  normalize(d);
  normalize(e);
}

// x^-1 mod p for a plain (not Montgomery) x in [0, p); zero for zero.
Limbs invert(const Limbs& x) noexcept {
  Signed62 f = k_p62;
  Signed62 g = from_limbs(x);
  Signed62 d;
  Signed62 e;
  e.l[0] = 1;
  i64 delta = 1;
  const auto is_zero = [](const Signed62& y) {
    return (y.l[0] | y.l[1] | y.l[2] | y.l[3] | y.l[4]) == 0;
  };
  const auto low64 = [](const Signed62& y) {
    return static_cast<u64>(y.l[0]) | (static_cast<u64>(y.l[1]) << 62);
  };
  while (!is_zero(g)) {
    Matrix m;
    delta = divsteps(delta, low64(f), low64(g), m);
    apply_de(d, e, m);
    apply_fg(f, g, m);
  }
  // f is now 1 or -1 (or p, when x was zero and d is zero).
  if (f.l[4] < 0 && !is_zero(d)) {
    for (int i = 0; i < 5; ++i) d.l[i] = k_p62.l[i] - d.l[i];
    normalize(d);
  }
  return to_limbs(d);
}

}  // namespace safegcd

// (a R)^-1 as a plain inverse is a^-1 R^-1; one Montgomery product with R^3 makes it a^-1 R.
constexpr Fp k_r3 = Fp{k_r2.v} * k_r2;

// Zero maps to zero; callers never invert zero. At compile time (the constants) by Fermat.
constexpr Fp inverse(const Fp& a) noexcept {
  if (std::is_constant_evaluated()) return pow(a, limbs_minus_small(k_p, 2));
  return Fp{safegcd::invert(a.v)} * k_r3;
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

ROLLUP_BN_INLINE constexpr Fp2 operator+(const Fp2& a, const Fp2& b) noexcept {
  return {a.c0 + b.c0, a.c1 + b.c1};
}
ROLLUP_BN_INLINE constexpr Fp2 operator-(const Fp2& a, const Fp2& b) noexcept {
  return {a.c0 - b.c0, a.c1 - b.c1};
}
ROLLUP_BN_INLINE constexpr Fp2 operator-(const Fp2& a) noexcept {
  return {-a.c0, -a.c1};
}
ROLLUP_BN_INLINE constexpr Fp2 dbl(const Fp2& a) noexcept {
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

// Karatsuba with lazy reduction: three 512-bit products, combined before reducing, and two
// Montgomery reductions instead of three.
constexpr Fp2 operator*(const Fp2& a, const Fp2& b) noexcept {
  const Wide t0 = mul_wide(a.c0.v, b.c0.v);
  const Wide t1 = mul_wide(a.c1.v, b.c1.v);
  Limbs sa;
  Limbs sb;
  add_limbs(sa, a.c0.v, a.c1.v);  // below 2p < 2^255: no reduction needed
  add_limbs(sb, b.c0.v, b.c1.v);
  // c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0, in [0, 2p^2).
  Wide c1 = mul_wide(sa, sb);
  sub_wide(c1, c1, t0);
  sub_wide(c1, c1, t1);
  // c0 = a0 b0 - a1 b1, lifted by p^2 when negative, so in [0, p^2).
  Wide c0;
  const bool negative = sub_wide(c0, t0, t1) != 0;
  Wide p2_or_zero;
  for (int i = 0; i < 8; ++i) p2_or_zero[i] = negative ? k_p_squared[i] : 0;
  add_wide(c0, c0, p2_or_zero);
  return {redc(c0), redc(c1)};
}

constexpr Fp2 square(const Fp2& a) noexcept {
  return {(a.c0 + a.c1) * (a.c0 - a.c1), dbl(a.c0 * a.c1)};
}

// Times xi = 9 + i, the non-residue that defines Fp6; additions only.
constexpr Fp2 mul_by_xi(const Fp2& a) noexcept {
  const Fp2 a2 = dbl(a);
  const Fp2 a8 = dbl(dbl(a2));
  const Fp2 a9 = a8 + a;
  return {a9.c0 - a.c1, a9.c1 + a.c0};
}

constexpr Fp2 inverse(const Fp2& a) noexcept {
  const Fp n = inverse(square(a.c0) + square(a.c1));
  return {a.c0 * n, -(a.c1 * n)};
}

constexpr Fp2 k_xi = {Fp::from_u64(9), Fp::one()};

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

// a * (b0 + b1 v), the shape of a line's w-coefficient: five Fp2 products instead of six.
constexpr Fp6 mul_by_01(const Fp6& a, const Fp2& b0, const Fp2& b1) noexcept {
  const Fp2 t0 = a.c0 * b0;
  const Fp2 t1 = a.c1 * b1;
  return {t0 + mul_by_xi(a.c2 * b1), (a.c0 + a.c1) * (b0 + b1) - t0 - t1, t1 + a.c2 * b0};
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

constexpr FrobeniusCoefficients k_frobenius = [] {
  Limbs e = limbs_minus_small(k_p, 1);
  // (p - 1) / 6 by long division; p = 1 mod 6.
  u128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    const u128 cur = (rem << 64) | e[i];
    e[i] = static_cast<u64>(cur / 6);
    rem = cur % 6;
  }
  const Fp2 g = pow(k_xi, e);
  FrobeniusCoefficients c{};
  Fp2 gk = Fp2::one();
  for (int k = 0; k < 6; ++k) {
    c.p1[k] = gk;
    c.p2[k] = gk * conjugate(gk);
    c.p3[k] = c.p1[k] * c.p2[k];
    gk = gk * g;
  }
  return c;
}();

// a^(p^n) for n = 1, 2, 3: conjugate each Fp2 coefficient when n is odd, then scale the coefficient
// of w^k by the k-th constant.
template <int N>
Fp12 frobenius(const Fp12& a) noexcept {
  static_assert(N >= 1 && N <= 3);
  const auto& g = N == 1 ? k_frobenius.p1 : N == 2 ? k_frobenius.p2 : k_frobenius.p3;
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

// A number in non-adjacent form (digits -1, 0, 1, no two adjacent ones nonzero), most significant
// digit first: fewer multiplications than binary where a negative digit is as cheap as a positive
// one, as in the cyclotomic subgroup (the inverse is the conjugate) and on curves.
struct Naf {
  std::array<std::int8_t, 130> digits{};
  int len = 0;
};

constexpr Naf make_naf(u128 n) noexcept {
  Naf lsb_first;
  while (n != 0) {
    std::int8_t d = 0;
    if (n & 1) {
      d = static_cast<std::int8_t>(2 - static_cast<int>(n & 3));
      n = d > 0 ? n - 1 : n + 1;
    }
    lsb_first.digits[lsb_first.len++] = d;
    n >>= 1;
  }
  Naf out;
  out.len = lsb_first.len;
  for (int i = 0; i < out.len; ++i) out.digits[i] = lsb_first.digits[out.len - 1 - i];
  return out;
}

constexpr Naf k_u_naf = make_naf(k_u);                                // 24 nonzero digits, not 28
constexpr Naf k_ate_loop = make_naf(static_cast<u128>(k_u) * 6 + 2);  // 66 digits
static_assert(k_u_naf.len == 63 && k_ate_loop.len == 66);

// f^u for f in the cyclotomic subgroup.
Fp12 cyclotomic_pow_u(const Fp12& f) noexcept {
  const Fp12 f_inv = conjugate(f);
  Fp12 acc = f;  // the leading digit is 1
  for (int i = 1; i < k_u_naf.len; ++i) {
    acc = cyclotomic_square(acc);
    if (k_u_naf.digits[i] == 1) acc = acc * f;
    if (k_u_naf.digits[i] == -1) acc = acc * f_inv;
  }
  return acc;
}

// f^((p^12 - 1) / r). The easy part (p^6 - 1)(p^2 + 1) lands in the cyclotomic subgroup; the hard
// part (p^4 - p^2 + 1) / r is written in base p with coefficients that are polynomials in u
// (Scott et al., "On the final exponentiation for calculating pairings on ordinary elliptic
// curves", 2009) and evaluated from f^u, f^(u^2), f^(u^3) with one addition chain.
Fp12 final_exponentiation(const Fp12& f) noexcept {
  Fp12 t = conjugate(f) * inverse(f);
  t = frobenius<2>(t) * t;

  const Fp12 fu = cyclotomic_pow_u(t);
  const Fp12 fu2 = cyclotomic_pow_u(fu);
  const Fp12 fu3 = cyclotomic_pow_u(fu2);
  const Fp12 y0 = frobenius<1>(t) * frobenius<2>(t) * frobenius<3>(t);
  const Fp12 y1 = conjugate(t);
  const Fp12 y2 = frobenius<2>(fu2);
  const Fp12 y3 = conjugate(frobenius<1>(fu));
  const Fp12 y4 = conjugate(fu * frobenius<1>(fu2));
  const Fp12 y5 = conjugate(fu2);
  const Fp12 y6 = conjugate(fu3 * frobenius<1>(fu3));

  Fp12 t0 = cyclotomic_square(y6) * y4 * y5;
  Fp12 t1 = y3 * y5 * t0;
  t0 = t0 * y2;
  t1 = cyclotomic_square(cyclotomic_square(t1) * t0);
  t0 = t1 * y1;
  t1 = t1 * y0;
  t0 = cyclotomic_square(t0);
  return t1 * t0;
}

// ---------------------------------------------------------------------------------------------
// Curves. G1: y^2 = x^3 + 3 over Fp. G2: y^2 = x^3 + 3/xi over Fp2 (a D-type sextic twist).

constexpr Fp k_b1 = Fp::from_u64(3);
constexpr Fp2 k_b2 = Fp2{Fp::from_u64(3), Fp::zero()} * inverse(k_xi);
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

// k * P with a width-5 NAF of the 256-bit scalar: at most one addition per five doublings, taken
// from the odd multiples P, 3P, ..., 15P.
template <typename F>
Jacobian<F> scalar_mul(const Jacobian<F>& p, const Limbs& k) noexcept {
  constexpr int k_width = 5;
  // The digits: k = sum d_i 2^i with d_i odd in (-16, 16) or zero. A 256-bit k can need 257 digits.
  std::array<std::int8_t, 257> digits{};
  std::array<u64, 5> n = {k[0], k[1], k[2], k[3], 0};
  int len = 0;
  while ((n[0] | n[1] | n[2] | n[3] | n[4]) != 0) {
    std::int8_t d = 0;
    if (n[0] & 1) {
      int m = static_cast<int>(n[0] & ((1u << k_width) - 1));
      if (m >= (1 << (k_width - 1))) m -= (1 << k_width);
      d = static_cast<std::int8_t>(m);
      // n -= m, leaving n divisible by 2^width.
      if (m > 0) {
        u64 borrow = static_cast<u64>(m);
        for (auto& limb : n) {
          const u64 before = limb;
          limb -= borrow;
          borrow = limb > before ? 1 : 0;
        }
      } else {
        u64 carry = static_cast<u64>(-m);
        for (auto& limb : n) {
          limb += carry;
          carry = limb < carry ? 1 : 0;
        }
      }
    }
    digits[len++] = d;
    for (int i = 0; i < 4; ++i) n[i] = (n[i] >> 1) | (n[i + 1] << 63);
    n[4] >>= 1;
  }

  std::array<Jacobian<F>, 8> odd;  // odd[i] = (2i + 1) P
  odd[0] = p;
  const Jacobian<F> p2 = dbl(p);
  for (int i = 1; i < 8; ++i) odd[i] = add(odd[i - 1], p2);

  Jacobian<F> acc;
  for (int i = len - 1; i >= 0; --i) {
    acc = dbl(acc);
    const int d = digits[i];
    if (d > 0) acc = add(acc, odd[d / 2]);
    if (d < 0) acc = add(acc, negate(odd[-d / 2]));
  }
  return acc;
}

template <typename F>
Affine<F> to_affine(const Jacobian<F>& p) noexcept {
  if (p.is_infinity()) return {};
  const F zi = inverse(p.z);
  const F zi2 = square(zi);
  return {p.x * zi2, p.y * zi2 * zi, false};
}

// The p-power Frobenius carried to the twist: psi = untwist^-1 . pi_p . untwist, which on
// coordinates is (conj(x) xi^((p - 1) / 3), conj(y) xi^((p - 1) / 2)).
Affine<Fp2> psi(const Affine<Fp2>& q) noexcept {
  return {conjugate(q.x) * k_frobenius.p1[2], conjugate(q.y) * k_frobenius.p1[3], q.infinity};
}

// p - r = 6u^2, which is also t - 1 for the trace t of Frobenius (r = p + 1 - t).
constexpr u128 k_six_u2 = static_cast<u128>(k_u) * k_u * 6;
static_assert([] {
  Limbs d;
  sub_limbs(d, k_p, k_r);
  return d[0] == static_cast<u64>(k_six_u2) && d[1] == static_cast<u64>(k_six_u2 >> 64) &&
         d[2] == 0 && d[3] == 0;
}());

// Membership of a twist point Q != O in G2, the order-r subgroup, as psi(Q) == [6u^2] Q: a 127-bit
// multiplication instead of the 254 bits of [r] Q == O, and exactly equivalent to it. If Q is in
// G2, psi acts on it as [p] (G2 is the p-eigenspace of Frobenius in the r-torsion), and
// p = 6u^2 (mod r). Conversely psi satisfies psi^2 - [t] psi + [p] = 0 on every point, being a
// conjugate of pi_p; from psi(Q) = [t - 1] Q that gives [(t - 1)^2 - t (t - 1) + p] Q =
// [p + 1 - t] Q = [r] Q = O. (El Housni, Guillevic and Piellard, "Co-factor clearing and subgroup
// membership testing on pairing-friendly curves", 2022; gnark-crypto tests BN254 G2 this way.)
bool in_g2(const Affine<Fp2>& q) noexcept {
  const Limbs k = {static_cast<u64>(k_six_u2), static_cast<u64>(k_six_u2 >> 64), 0, 0};
  const Jacobian<Fp2> m = scalar_mul(Jacobian<Fp2>::from(q), k);
  if (m.is_infinity()) return false;  // psi(Q) is never O
  const Affine<Fp2> e = psi(q);
  const Fp2 z2 = square(m.z);
  return m.x == e.x * z2 && m.y == e.y * (z2 * m.z);
}

// ---------------------------------------------------------------------------------------------
// Encoding.

constexpr std::size_t k_word = 32;

Limbs read_word(const std::uint8_t* in) noexcept {
  Limbs out{};
  for (int i = 0; i < 4; ++i) {
    u64 limb = 0;
    for (int j = 0; j < 8; ++j) limb = (limb << 8) | in[(3 - i) * 8 + j];
    out[i] = limb;
  }
  return out;
}

void write_word(const Limbs& v, std::uint8_t* out) noexcept {
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 8; ++j)
      out[(3 - i) * 8 + j] = static_cast<std::uint8_t>(v[i] >> (56 - 8 * j));
  }
}

Result<Fp> read_fp(const std::uint8_t* in) {
  const Limbs plain = read_word(in);
  if (!limbs_less(plain, k_p)) {
    return fail(Errc::invalid_curve_point, "coordinate is not below the field modulus");
  }
  return to_mont(plain);
}

// (x, y), 64 bytes; (0, 0) is infinity.
Result<Affine<Fp>> read_g1(const std::uint8_t* in) {
  ROLLUP_TRY(const Fp x, read_fp(in));
  ROLLUP_TRY(const Fp y, read_fp(in + k_word));
  if (x.is_zero() && y.is_zero()) return Affine<Fp>{};
  if (!on_curve(x, y, k_b1)) return fail(Errc::invalid_curve_point, "G1 point is not on the curve");
  return Affine<Fp>{x, y, false};
}

// (x_imaginary, x_real, y_imaginary, y_real), 128 bytes; all zeros is infinity.
Result<Affine<Fp2>> read_g2(const std::uint8_t* in) {
  ROLLUP_TRY(const Fp x1, read_fp(in));
  ROLLUP_TRY(const Fp x0, read_fp(in + k_word));
  ROLLUP_TRY(const Fp y1, read_fp(in + 2 * k_word));
  ROLLUP_TRY(const Fp y0, read_fp(in + 3 * k_word));
  const Fp2 x{x0, x1};
  const Fp2 y{y0, y1};
  if (x.is_zero() && y.is_zero()) return Affine<Fp2>{};
  if (!on_curve(x, y, k_b2)) {
    return fail(Errc::invalid_curve_point, "G2 point is not on the twist curve");
  }
  const Affine<Fp2> q{x, y, false};
  if (!in_g2(q)) return fail(Errc::invalid_curve_point, "G2 point is not in the order-r subgroup");
  return q;
}

FixedBytes<64> write_g1(const Affine<Fp>& p) noexcept {
  FixedBytes<64> out;  // zeros: infinity
  if (p.infinity) return out;
  write_word(from_mont(p.x), out.data());
  write_word(from_mont(p.y), out.data() + k_word);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Miller loop.

// A line evaluated at a G1 point, a + b w + c w^3 (times a factor in Fp2, which the final
// exponentiation removes): in the tower, c0 = (a, 0, 0) and c1 = (b, c, 0).
struct Line {
  Fp2 a, b, c;
};

// f * line in thirteen Fp2 products instead of eighteen.
Fp12 mul_by_line(const Fp12& f, const Line& l) noexcept {
  const Fp6 t0 = f.c0 * l.a;
  const Fp6 t1 = mul_by_01(f.c1, l.b, l.c);
  const Fp6 c1 = mul_by_01(f.c0 + f.c1, l.a + l.b, l.c) - t0 - t1;
  return {t0 + mul_by_v(t1), c1};
}

// G2 points in the loop are homogeneous projective (X / Z, Y / Z): the doubling and addition
// formulas with their lines are those of Costello, Lange and Naehrig ("Faster pairing computations
// on curves with high-degree twists", 2010), for the untwisting (x, y) -> (x w^2, y w^3). A line
// through T with twist slope s, at P = (xp, yp), is yp - s xp w + (s xT - yT) w^3.
struct Projective2 {
  Fp2 x, y, z;
};

struct PairState {
  Fp neg_xp, yp;      // the G1 point
  Affine<Fp2> q;      // the G2 point
  Affine<Fp2> neg_q;  // -Q, for the negative digits of the loop count
  Projective2 t;      // the running multiple of Q
};

// T = 2T. The line, scaled by 2YZ^2 and divided by Z with the curve equation, is
// 2YZ yp - 3X^2 xp w + (Y^2 - 3b' Z^2) w^3.
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
  return {h * yp, (dbl(x2) + x2) * neg_xp, b - e};
}

// T = T + Q for affine Q. With theta = Y - yQ Z and lambda = X - xQ Z (the slope is theta /
// lambda), the line times lambda is lambda yp - theta xp w + (theta xQ - lambda yQ) w^3.
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
  return {lambda * yp, theta * neg_xp, theta * q.x - lambda * q.y};
}

// The product of the Miller loop values of all pairs, sharing the squarings of f. After the loop
// over 6u + 2 come the two lines of the optimal ate pairing, through Q1 = psi(Q) and
// -Q2 = -psi^2(Q).
Fp12 multi_miller_loop(std::vector<PairState>& pairs) noexcept {
  Fp12 f = Fp12::one();
  const auto& [digits, len] = k_ate_loop;
  for (auto& s : pairs) s.t = {s.q.x, s.q.y, Fp2::one()};
  for (int i = 1; i < len; ++i) {
    if (i != 1) f = square(f);  // f is one before the first step
    for (auto& s : pairs) {
      f = mul_by_line(f, double_step(s.t, s.neg_xp, s.yp));
      if (digits[i] == 1) f = mul_by_line(f, add_step(s.t, s.q, s.neg_xp, s.yp));
      if (digits[i] == -1) f = mul_by_line(f, add_step(s.t, s.neg_q, s.neg_xp, s.yp));
    }
  }
  for (auto& s : pairs) {
    const Affine<Fp2> q1 = psi(s.q);
    // psi^2 conjugates twice, so only the constants remain; they lie in Fp.
    const Affine<Fp2> neg_q2{s.q.x * k_frobenius.p2[2], -(s.q.y * k_frobenius.p2[3]), false};
    f = mul_by_line(f, add_step(s.t, q1, s.neg_xp, s.yp));
    f = mul_by_line(f, add_step(s.t, neg_q2, s.neg_xp, s.yp));
  }
  return f;
}

}  // namespace

Result<FixedBytes<64>> add(ByteView input) {
  ROLLUP_ASSERT(input.size() == 4 * k_word);
  ROLLUP_TRY(const Affine<Fp> p, read_g1(input.data()));
  ROLLUP_TRY(const Affine<Fp> q, read_g1(input.data() + 2 * k_word));
  if (p.infinity) return write_g1(q);
  if (q.infinity) return write_g1(p);
  Fp slope;
  if (p.x == q.x) {
    // Same x: Q is P or -P. No point of G1 has y = 0 (the group has odd order), so P == Q doubles.
    if (p.y != q.y) return FixedBytes<64>{};
    const Fp xx = square(p.x);
    slope = (dbl(xx) + xx) * inverse(dbl(p.y));
  } else {
    slope = (q.y - p.y) * inverse(q.x - p.x);
  }
  const Fp x = square(slope) - p.x - q.x;
  const Fp y = slope * (p.x - x) - p.y;
  return write_g1({x, y, false});
}

Result<FixedBytes<64>> mul(ByteView input) {
  ROLLUP_ASSERT(input.size() == 3 * k_word);
  ROLLUP_TRY(const Affine<Fp> p, read_g1(input.data()));
  const Limbs k = read_word(input.data() + 2 * k_word);
  return write_g1(to_affine(scalar_mul(Jacobian<Fp>::from(p), k)));
}

Result<bool> pairing_check(ByteView input) {
  constexpr std::size_t k_element = 6 * k_word;
  if (input.size() % k_element != 0) {
    return fail(Errc::invalid_curve_point, "pairing input length is not a multiple of 192");
  }
  std::vector<PairState> pairs;
  pairs.reserve(input.size() / k_element);
  for (std::size_t off = 0; off < input.size(); off += k_element) {
    ROLLUP_TRY(const Affine<Fp> p, read_g1(input.data() + off));
    ROLLUP_TRY(const Affine<Fp2> q, read_g2(input.data() + off + 2 * k_word));
    if (p.infinity || q.infinity) continue;  // e(O, Q) = e(P, O) = 1
    pairs.push_back({-p.x, p.y, q, {q.x, -q.y, false}, {}});
  }
  if (pairs.empty()) return true;
  return final_exponentiation(multi_miller_loop(pairs)) == Fp12::one();
}

}  // namespace rollup::crypto::bn254
