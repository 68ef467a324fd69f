#pragma once
// The extension fields of a pairing over a BN or BLS12 curve, as bn254.cpp and bls12_381.cpp both
// build them: Fp2 = Fp[i] / (i^2 + 1), Fp6 = Fp2[v] / (v^3 - xi) with xi = k + i for a small k
// (9 for bn254, 1 for BLS12-381), Fp12 = Fp6[w] / (w^2 - v). Private to the crypto module.
//
// Templates over the prime field of montgomery.hpp and over k, instantiated in each curve's file
// (see montgomery.hpp for why). The one operation the tower takes from the curve's file is the
// inverse in Fp, found by argument-dependent lookup: bn254 inverts by safegcd, BLS12-381 by Fermat.

#include <array>

#include "montgomery.hpp"

namespace rollup::crypto::detail {

// k * a for a small constant k, by doubling and adding along k's bits: additions only.
template <unsigned K, typename T>
ROLLUP_FIELD_INLINE constexpr T mul_small(const T& a) noexcept {
  static_assert(K >= 1);
  if constexpr (K == 1) {
    return a;
  } else if constexpr (K == 2) {
    // Not dbl(mul_small<1>(a)): GCC keeps that copy of a, and times 9 + i took 4% longer.
    return dbl(a);
  } else if constexpr (K % 2 == 0) {
    return dbl(mul_small<K / 2>(a));
  } else {
    return mul_small<K - 1>(a) + a;
  }
}

// ---------------------------------------------------------------------------------------------
// Fp2 = Fp[i] / (i^2 + 1): c0 + c1 i. XiReal is k in xi = k + i, the non-residue below.

template <typename F, unsigned XiReal>
struct Fp2T {
  using Base = F;
  F c0, c1;

  static constexpr Fp2T zero() noexcept { return {}; }
  static constexpr Fp2T one() noexcept { return {F::one(), F::zero()}; }
  static constexpr Fp2T xi() noexcept { return {F::from_u64(XiReal), F::one()}; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero(); }
  friend constexpr bool operator==(const Fp2T&, const Fp2T&) noexcept = default;
};

template <typename F, unsigned X>
ROLLUP_FIELD_INLINE constexpr Fp2T<F, X> operator+(const Fp2T<F, X>& a,
                                                   const Fp2T<F, X>& b) noexcept {
  return {a.c0 + b.c0, a.c1 + b.c1};
}
template <typename F, unsigned X>
ROLLUP_FIELD_INLINE constexpr Fp2T<F, X> operator-(const Fp2T<F, X>& a,
                                                   const Fp2T<F, X>& b) noexcept {
  return {a.c0 - b.c0, a.c1 - b.c1};
}
template <typename F, unsigned X>
ROLLUP_FIELD_INLINE constexpr Fp2T<F, X> operator-(const Fp2T<F, X>& a) noexcept {
  return {-a.c0, -a.c1};
}
template <typename F, unsigned X>
ROLLUP_FIELD_INLINE constexpr Fp2T<F, X> dbl(const Fp2T<F, X>& a) noexcept {
  return {dbl(a.c0), dbl(a.c1)};
}
template <typename F, unsigned X>
constexpr Fp2T<F, X> half(const Fp2T<F, X>& a) noexcept {
  return {half(a.c0), half(a.c1)};
}
template <typename F, unsigned X>
constexpr Fp2T<F, X> operator*(const Fp2T<F, X>& a, const F& s) noexcept {
  return {a.c0 * s, a.c1 * s};
}
template <typename F, unsigned X>
constexpr Fp2T<F, X> conjugate(const Fp2T<F, X>& a) noexcept {
  return {a.c0, -a.c1};
}

// Karatsuba with lazy reduction: three double-width products, combined before reducing, and two
// Montgomery reductions instead of three.
template <typename F, unsigned X>
constexpr Fp2T<F, X> operator*(const Fp2T<F, X>& a, const Fp2T<F, X>& b) noexcept {
  using M = typename F::Modulus;
  constexpr std::size_t N = F::N;
  const Wide<N> t0 = mul_wide(a.c0.v, b.c0.v);
  const Wide<N> t1 = mul_wide(a.c1.v, b.c1.v);
  Limbs<N> sa;
  Limbs<N> sb;
  add_n(sa, a.c0.v, a.c1.v);  // below 2p < 2^(64N): no reduction needed
  add_n(sb, b.c0.v, b.c1.v);
  // c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0, in [0, 2p^2).
  Wide<N> c1 = mul_wide(sa, sb);
  sub_n(c1, c1, t0);
  sub_n(c1, c1, t1);
  // c0 = a0 b0 - a1 b1, lifted by p^2 when negative, so in [0, p^2).
  Wide<N> c0;
  const bool negative = sub_n(c0, t0, t1) != 0;
  Wide<N> p2_or_zero;
  for (std::size_t i = 0; i < 2 * N; ++i) p2_or_zero[i] = negative ? k_p_squared<M>[i] : 0;
  add_n(c0, c0, p2_or_zero);
  return {redc<M>(c0), redc<M>(c1)};
}

template <typename F, unsigned X>
constexpr Fp2T<F, X> square(const Fp2T<F, X>& a) noexcept {
  return {(a.c0 + a.c1) * (a.c0 - a.c1), dbl(a.c0 * a.c1)};
}

// Times xi = k + i, the non-residue that defines Fp6: k a + a i^2 = (k a0 - a1) + (k a1 + a0) i,
// additions only.
template <typename F, unsigned X>
constexpr Fp2T<F, X> mul_by_xi(const Fp2T<F, X>& a) noexcept {
  const Fp2T<F, X> ka = mul_small<X>(a);
  return {ka.c0 - a.c1, ka.c1 + a.c0};
}

template <typename F, unsigned X>
constexpr Fp2T<F, X> inverse(const Fp2T<F, X>& a) noexcept {
  const F n = inverse(square(a.c0) + square(a.c1));  // the curve's own, by argument lookup
  return {a.c0 * n, -(a.c1 * n)};
}

// ---------------------------------------------------------------------------------------------
// Fp6 = Fp2[v] / (v^3 - xi): c0 + c1 v + c2 v^2.

template <typename F2>
struct Fp6T {
  F2 c0, c1, c2;

  static constexpr Fp6T zero() noexcept { return {}; }
  static constexpr Fp6T one() noexcept { return {F2::one(), F2::zero(), F2::zero()}; }
  friend constexpr bool operator==(const Fp6T&, const Fp6T&) noexcept = default;
};

template <typename F2>
constexpr Fp6T<F2> operator+(const Fp6T<F2>& a, const Fp6T<F2>& b) noexcept {
  return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2};
}
template <typename F2>
constexpr Fp6T<F2> operator-(const Fp6T<F2>& a, const Fp6T<F2>& b) noexcept {
  return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2};
}
template <typename F2>
constexpr Fp6T<F2> operator-(const Fp6T<F2>& a) noexcept {
  return {-a.c0, -a.c1, -a.c2};
}

// Times v: the coefficients rotate and the one that wraps past v^2 picks up xi.
template <typename F2>
constexpr Fp6T<F2> mul_by_v(const Fp6T<F2>& a) noexcept {
  return {mul_by_xi(a.c2), a.c0, a.c1};
}

// Karatsuba over the three coefficients: six Fp2 products.
template <typename F2>
constexpr Fp6T<F2> operator*(const Fp6T<F2>& a, const Fp6T<F2>& b) noexcept {
  const F2 t0 = a.c0 * b.c0;
  const F2 t1 = a.c1 * b.c1;
  const F2 t2 = a.c2 * b.c2;
  return {mul_by_xi((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2) + t0,
          (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + mul_by_xi(t2),
          (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1};
}

// Chung-Hasan SQR2: two products and three squarings.
template <typename F2>
constexpr Fp6T<F2> square(const Fp6T<F2>& a) noexcept {
  const F2 s0 = square(a.c0);
  const F2 s1 = dbl(a.c0 * a.c1);
  const F2 s2 = square(a.c0 - a.c1 + a.c2);
  const F2 s3 = dbl(a.c1 * a.c2);
  const F2 s4 = square(a.c2);
  return {mul_by_xi(s3) + s0, mul_by_xi(s4) + s1, s1 + s2 + s3 - s0 - s4};
}

// a * (b0 + b1 v), the shape of a line's coefficients: five Fp2 products instead of six.
template <typename F2>
constexpr Fp6T<F2> mul_by_01(const Fp6T<F2>& a, const F2& b0, const F2& b1) noexcept {
  const F2 t0 = a.c0 * b0;
  const F2 t1 = a.c1 * b1;
  return {t0 + mul_by_xi(a.c2 * b1), (a.c0 + a.c1) * (b0 + b1) - t0 - t1, t1 + a.c2 * b0};
}

// a * (b1 v): three Fp2 products.
template <typename F2>
constexpr Fp6T<F2> mul_by_1(const Fp6T<F2>& a, const F2& b1) noexcept {
  return {mul_by_xi(a.c2 * b1), a.c0 * b1, a.c1 * b1};
}

template <typename F2>
constexpr Fp6T<F2> operator*(const Fp6T<F2>& a, const F2& s) noexcept {
  return {a.c0 * s, a.c1 * s, a.c2 * s};
}

template <typename F2>
constexpr Fp6T<F2> inverse(const Fp6T<F2>& a) noexcept {
  const F2 t0 = square(a.c0) - mul_by_xi(a.c1 * a.c2);
  const F2 t1 = mul_by_xi(square(a.c2)) - a.c0 * a.c1;
  const F2 t2 = square(a.c1) - a.c0 * a.c2;
  const F2 d = inverse(a.c0 * t0 + mul_by_xi(a.c2 * t1 + a.c1 * t2));
  return {t0 * d, t1 * d, t2 * d};
}

// ---------------------------------------------------------------------------------------------
// Fp12 = Fp6[w] / (w^2 - v): c0 + c1 w. Written out over Fp2, the coefficient of w^k is
// c0.c(k/2) for even k and c1.c(k/2) for odd k.

template <typename F6>
struct Fp12T {
  F6 c0, c1;

  static constexpr Fp12T one() noexcept { return {F6::one(), F6::zero()}; }
  friend constexpr bool operator==(const Fp12T&, const Fp12T&) noexcept = default;
};

template <typename F6>
Fp12T<F6> operator*(const Fp12T<F6>& a, const Fp12T<F6>& b) noexcept {
  const F6 t0 = a.c0 * b.c0;
  const F6 t1 = a.c1 * b.c1;
  return {t0 + mul_by_v(t1), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
}

// Complex squaring: (c0 + c1 w)^2 = (c0 + c1)(c0 + v c1) - (1 + v) c0 c1 + 2 c0 c1 w.
template <typename F6>
Fp12T<F6> square(const Fp12T<F6>& a) noexcept {
  const F6 ab = a.c0 * a.c1;
  const F6 c0 = (a.c0 + a.c1) * (a.c0 + mul_by_v(a.c1)) - ab - mul_by_v(ab);
  return {c0, ab + ab};
}

// The p^6-power Frobenius, which is also the inverse on the cyclotomic subgroup.
template <typename F6>
Fp12T<F6> conjugate(const Fp12T<F6>& a) noexcept {
  return {a.c0, -a.c1};
}

template <typename F6>
Fp12T<F6> inverse(const Fp12T<F6>& a) noexcept {
  const F6 d = inverse(square(a.c0) - mul_by_v(square(a.c1)));
  return {a.c0 * d, -(a.c1 * d)};
}

// Frobenius coefficients: (w^k)^(p^n) = w^k * xi^(k (p^n - 1) / 6), since w^6 = xi. With
// g1 = xi^((p - 1) / 6): the p^2 ones are g1^(p + 1) = g1 * conj(g1) (they lie in Fp) and the p^3
// ones are g1^(p^2 + p + 1) = g1 * (g1 * conj(g1)).
template <typename F2>
struct FrobeniusCoefficients {
  std::array<F2, 6> p1, p2, p3;
};

// A constant expression where GCC's step limit allows it (bn254); BLS12-381's 381-bit power of xi
// takes more steps than that, so its file computes them once at run time.
template <typename F2>
constexpr FrobeniusCoefficients<F2> make_frobenius_coefficients() noexcept {
  using M = typename F2::Base::Modulus;
  const F2 g = pow(F2::xi(), div_exact(sub_small(M::p, 1), 6));  // p = 1 (mod 6)
  FrobeniusCoefficients<F2> c{};
  F2 gk = F2::one();
  for (int k = 0; k < 6; ++k) {
    c.p1[k] = gk;
    c.p2[k] = gk * conjugate(gk);
    c.p3[k] = c.p1[k] * c.p2[k];
    gk = gk * g;
  }
  return c;
}

// a^(p^n) for n = 1, 2, 3: conjugate each Fp2 coefficient when n is odd (p = 3 mod 4, so
// i^p = -i), then scale the coefficient of w^k by the k-th constant.
template <int N, typename F2>
Fp12T<Fp6T<F2>> frobenius(const Fp12T<Fp6T<F2>>& a, const FrobeniusCoefficients<F2>& k) noexcept {
  static_assert(N >= 1 && N <= 3);
  const auto& g = N == 1 ? k.p1 : N == 2 ? k.p2 : k.p3;
  auto c = [](const F2& x) { return N % 2 == 1 ? conjugate(x) : x; };
  return {{c(a.c0.c0), c(a.c0.c1) * g[2], c(a.c0.c2) * g[4]},
          {c(a.c1.c0) * g[1], c(a.c1.c1) * g[3], c(a.c1.c2) * g[5]}};
}

// Squaring in the cyclotomic subgroup (Granger-Scott), valid only after the easy part of the final
// exponentiation. Over Fp4 = Fp2[s] / (s^2 - xi) with s = w^3, an element is A + B w + C w^2 with
// A = g0 + h1 s, B = h0 + g2 s, C = g1 + h2 s (g = c0, h = c1), and its square is
// (3A^2 - 2 conj(A)) + (3 s C^2 + 2 conj(B)) w + (3B^2 - 2 conj(C)) w^2: nine Fp2 squarings.
template <typename F2>
Fp12T<Fp6T<F2>> cyclotomic_square(const Fp12T<Fp6T<F2>>& f) noexcept {
  // (a + b s)^2 = (a^2 + xi b^2) + ((a + b)^2 - a^2 - b^2) s.
  auto fp4_square = [](const F2& a, const F2& b, F2& out0, F2& out1) {
    const F2 a2 = square(a);
    const F2 b2 = square(b);
    out0 = a2 + mul_by_xi(b2);
    out1 = square(a + b) - a2 - b2;
  };
  const F2 &g0 = f.c0.c0, &g1 = f.c0.c1, &g2 = f.c0.c2;
  const F2 &h0 = f.c1.c0, &h1 = f.c1.c1, &h2 = f.c1.c2;
  F2 a0, a1, b0, b1, c0, c1;
  fp4_square(g0, h1, a0, a1);
  fp4_square(h0, g2, b0, b1);
  fp4_square(g1, h2, c0, c1);
  auto three_minus_two = [](const F2& x, const F2& y) { return dbl(x - y) + x; };  // 3x - 2y
  auto three_plus_two = [](const F2& x, const F2& y) { return dbl(x + y) + x; };   // 3x + 2y
  const F2 sc0 = mul_by_xi(c1);  // s * C^2 = xi c1 + c0 s
  return {{three_minus_two(a0, g0), three_minus_two(b0, g1), three_minus_two(c0, g2)},
          {three_plus_two(sc0, h0), three_plus_two(a1, h1), three_plus_two(b1, h2)}};
}

}  // namespace rollup::crypto::detail
