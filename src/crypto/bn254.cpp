#include "rollup/crypto/bn254.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "curve.hpp"
#include "montgomery.hpp"
#include "rollup/base/assert.hpp"
#include "tower.hpp"

// Layout: Fp (Montgomery form on four 64-bit limbs), the tower Fp2 = Fp[i]/(i^2 + 1),
// Fp6 = Fp2[v]/(v^3 - xi) with xi = 9 + i, Fp12 = Fp6[w]/(w^2 - v); Jacobian points for scalar
// multiplication on both curves; and the optimal ate pairing (Miller loop over 6u + 2 with
// homogeneous projective G2 points, then one final exponentiation for all pairs).
//
// The field, tower and group-law arithmetic is shared with BLS12-381 (montgomery.hpp, tower.hpp,
// curve.hpp); this file holds what is bn254's own: its parameters, the safegcd inversion, the final
// exponentiation, the D-type twist's lines and Miller loop, the G2 subgroup check and the
// EIP-196/197 encodings.
//
// Every constant derived from p (Montgomery constants, Frobenius coefficients, the twist's b) is
// computed at compile time from p itself, so the only numbers written out are p, r and u.

namespace rollup::crypto::bn254 {
namespace {

using namespace detail;  // the shared arithmetic: montgomery.hpp, tower.hpp, curve.hpp
using Limbs = detail::Limbs<4>;

// The field modulus p and the group order r, from the BN parameter u: p = 36u^4 + 36u^3 + 24u^2 +
// 6u + 1, r = 36u^4 + 36u^3 + 18u^2 + 6u + 1.
constexpr Limbs k_p = {0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d,
                       0x30644e72e131a029};
constexpr Limbs k_r = {0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d,
                       0x30644e72e131a029};
constexpr u64 k_u = 4965661367192848881;

// Declared here rather than in detail, so that the shared templates find inverse() below by
// argument-dependent lookup.
struct Modulus {
  static constexpr Limbs p = k_p;
};

// An element a is held as a * 2^256 mod p, fully reduced (< p).
using Fp = PrimeField<Modulus>;

constexpr Fp to_mont(const Limbs& plain) noexcept {
  return detail::to_mont<Modulus>(plain);
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
constexpr u64 k_p_inv62 = static_cast<u64>(k_mask) & (0 - k_p_inv<Modulus>);

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
constexpr Fp k_r3 = Fp{k_r2<Modulus>.v} * k_r2<Modulus>;

// Zero maps to zero; callers never invert zero. At compile time (the constants) by Fermat.
constexpr Fp inverse(const Fp& a) noexcept {
  if (std::is_constant_evaluated()) return pow(a, sub_small(k_p, 2));
  return Fp{safegcd::invert(a.v)} * k_r3;
}

// ---------------------------------------------------------------------------------------------
// The tower (tower.hpp), with xi = 9 + i.

using Fp2 = Fp2T<Fp, 9>;
using Fp6 = Fp6T<Fp2>;
using Fp12 = Fp12T<Fp6>;

constexpr Fp2 k_xi = Fp2::xi();

constexpr FrobeniusCoefficients<Fp2> k_frobenius = make_frobenius_coefficients<Fp2>();

template <int N>
Fp12 frobenius(const Fp12& a) noexcept {
  return detail::frobenius<N>(a, k_frobenius);
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

// The p-power Frobenius carried to the twist: psi = untwist^-1 . pi_p . untwist, which on
// coordinates is (conj(x) xi^((p - 1) / 3), conj(y) xi^((p - 1) / 2)).
Affine<Fp2> psi(const Affine<Fp2>& q) noexcept {
  return {conjugate(q.x) * k_frobenius.p1[2], conjugate(q.y) * k_frobenius.p1[3], q.infinity};
}

// p - r = 6u^2, which is also t - 1 for the trace t of Frobenius (r = p + 1 - t).
constexpr u128 k_six_u2 = static_cast<u128>(k_u) * k_u * 6;
static_assert([] {
  Limbs d;
  sub_n(d, k_p, k_r);
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
  const ScalarLimbs k = {static_cast<u64>(k_six_u2), static_cast<u64>(k_six_u2 >> 64), 0, 0};
  const Jacobian<Fp2> m = scalar_mul(Jacobian<Fp2>::from(q), k);
  if (m.is_infinity()) return false;  // psi(Q) is never O
  const Affine<Fp2> e = psi(q);
  const Fp2 z2 = square(m.z);
  return m.x == e.x * z2 && m.y == e.y * (z2 * m.z);
}

// ---------------------------------------------------------------------------------------------
// Encoding.

constexpr std::size_t k_word = 32;

Result<Fp> read_fp(const std::uint8_t* in) {
  const Limbs plain = read_be<4>(in);
  if (!less_n(plain, k_p)) {
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
  write_be(from_mont(p.x), out.data());
  write_be(from_mont(p.y), out.data() + k_word);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Miller loop.

// A line evaluated at a G1 point, y_term + x_term w + free_term w^3 for the D-type twist, which
// untwists as (x, y) -> (x w^2, y w^3): a line through T with twist slope s, at P = (xp, yp), is
// yp - s xp w + (s xT - yT) w^3. In the tower, c0 = (y_term, 0, 0) and c1 = (x_term, free_term, 0).
using Line = detail::Line<Fp2>;

// f * line in thirteen Fp2 products instead of eighteen.
Fp12 mul_by_line(const Fp12& f, const Line& l) noexcept {
  const Fp6 t0 = f.c0 * l.y_term;
  const Fp6 t1 = mul_by_01(f.c1, l.x_term, l.free_term);
  const Fp6 c1 = mul_by_01(f.c0 + f.c1, l.y_term + l.x_term, l.free_term) - t0 - t1;
  return {t0 + mul_by_v(t1), c1};
}

struct PairState {
  Fp neg_xp, yp;      // the G1 point
  Affine<Fp2> q;      // the G2 point
  Affine<Fp2> neg_q;  // -Q, for the negative digits of the loop count
  Projective<Fp2> t;  // the running multiple of Q
};

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
      f = mul_by_line(f, double_step(s.t, k_3b2, s.neg_xp, s.yp));
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
  const ScalarLimbs k = read_be<4>(input.data() + 2 * k_word);
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
