#pragma once
// The group law of short Weierstrass curves y^2 = x^3 + b (a = 0), scalar multiplication, and the
// doubling and addition steps of an ate Miller loop with their lines, over any field of
// montgomery.hpp or tower.hpp: bn254.cpp and bls12_381.cpp use them for G1 over Fp and for G2 over
// Fp2. Private to the crypto module. What differs between the curves (b, the twist and so where a
// line's coefficients sit in Fp12, the loop count, subgroup checks, encodings) stays in their
// files.

#include <array>
#include <cstdint>

#include "montgomery.hpp"

namespace rollup::crypto::detail {

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

template <typename F>
Affine<F> to_affine(const Jacobian<F>& p) noexcept {
  if (p.is_infinity()) return {};
  // Decoded points and generators carry Z = 1, and need no inversion.
  if (p.z == F::one()) return {p.x, p.y, false};
  const F zi = inverse(p.z);
  const F zi2 = square(zi);
  return {p.x * zi2, p.y * zi2 * zi, false};
}

// ---------------------------------------------------------------------------------------------
// Scalar multiplication.

// Scalars are 256-bit on both curves: bn254's ECMUL and BLS12-381's Scalar take any 32-byte word.
using ScalarLimbs = Limbs<4>;

// The width-5 NAF of a 256-bit k, least significant digit first: k = sum d_i 2^i with d_i odd in
// (-16, 16) or zero, at most one nonzero digit in any five. Returns the number of digits (up to
// 257).
inline constexpr int k_wnaf_width = 5;
using Wnaf = std::array<std::int8_t, 257>;

inline int make_wnaf(const ScalarLimbs& k, Wnaf& digits) noexcept {
  digits = {};
  Limbs<5> n = {k[0], k[1], k[2], k[3], 0};
  int len = 0;
  while ((n[0] | n[1] | n[2] | n[3] | n[4]) != 0) {
    std::int8_t d = 0;
    if (n[0] & 1) {
      int m = static_cast<int>(n[0] & ((1u << k_wnaf_width) - 1));
      if (m >= (1 << (k_wnaf_width - 1))) m -= (1 << k_wnaf_width);
      d = static_cast<std::int8_t>(m);
      // n -= m, leaving n divisible by 2^width.
      const Limbs<5> delta = {static_cast<u64>(m > 0 ? m : -m), 0, 0, 0, 0};
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

// ---------------------------------------------------------------------------------------------
// Miller loop steps. G2 points in the loop are homogeneous projective (X / Z, Y / Z), with the
// doubling and addition formulas and lines of Costello, Lange and Naehrig ("Faster pairing
// computations on curves with high-degree twists", 2010), evaluated at the G1 point P = (xp, yp).

template <typename F2>
struct Projective {
  F2 x, y, z;
};

// A line's three coefficients, up to a factor that the final exponentiation removes: the one that
// multiplies yp, the one that multiplies xp, and the one free of P. Which power of w each goes
// with depends on the twist (D-type for bn254, M-type for BLS12-381), so each curve's file places
// them.
template <typename F2>
struct Line {
  F2 y_term, x_term, free_term;
};

// T = 2T, for the twist y^2 = x^3 + b' (three_b is 3b'). The line, scaled by 2YZ^2 and divided by
// Z with the curve equation, has 2YZ yp, -3X^2 xp and Y^2 - 3b' Z^2.
template <typename F2, typename F>
Line<F2> double_step(Projective<F2>& t, const F2& three_b, const F& neg_xp, const F& yp) noexcept {
  const F2 a = half(t.x * t.y);
  const F2 b = square(t.y);
  const F2 c = square(t.z);
  const F2 e = three_b * c;
  const F2 f = dbl(e) + e;
  const F2 g = half(b + f);
  const F2 h = square(t.y + t.z) - (b + c);  // 2YZ
  const F2 x2 = square(t.x);
  const F2 e2 = square(e);
  t.x = a * (b - f);
  t.y = square(g) - (dbl(e2) + e2);
  t.z = b * h;
  return {h * yp, (dbl(x2) + x2) * neg_xp, b - e};
}

// T = T + Q for affine Q. With theta = Y - yQ Z and lambda = X - xQ Z (the slope is theta /
// lambda), the line times lambda has lambda yp, -theta xp and theta xQ - lambda yQ.
template <typename F2, typename F>
Line<F2> add_step(Projective<F2>& t, const Affine<F2>& q, const F& neg_xp, const F& yp) noexcept {
  const F2 theta = t.y - q.y * t.z;
  const F2 lambda = t.x - q.x * t.z;
  const F2 c = square(theta);
  const F2 d = square(lambda);
  const F2 e = d * lambda;
  const F2 f = t.z * c;
  const F2 g = t.x * d;
  const F2 h = e + f - dbl(g);
  t.x = lambda * h;
  t.y = theta * (g - h) - e * t.y;
  t.z = t.z * e;
  return {lambda * yp, theta * neg_xp, theta * q.x - lambda * q.y};
}

}  // namespace rollup::crypto::detail
