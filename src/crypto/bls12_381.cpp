#include "rollup/crypto/bls12_381.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "curve.hpp"
#include "montgomery.hpp"
#include "rollup/base/assert.hpp"
#include "tower.hpp"

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
// The field, tower and group-law arithmetic is shared with bn254 (montgomery.hpp, tower.hpp,
// curve.hpp); this file holds what differs: the width, xi, the square roots and signs of the
// compressed encoding, the twist type (M here, D there) and so where a line's coefficients sit,
// the loop count, the final exponentiation, and the subgroup checks and GLV of G1.

namespace rollup::crypto::bls12_381 {
namespace {

using namespace detail;  // the shared arithmetic: montgomery.hpp, tower.hpp, curve.hpp
constexpr int k_limbs = 6;
using Limbs = detail::Limbs<k_limbs>;

constexpr Limbs k_p = {0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
                       0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a};
constexpr ScalarLimbs k_r = {0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805,
                             0x73eda753299d7d48};
constexpr u64 k_x_abs = 0xd201000000010000;  // x = -k_x_abs

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

// Declared here rather than in detail, so that the shared templates find inverse() below by
// argument-dependent lookup.
struct Modulus {
  static constexpr Limbs p = k_p;
};

// An element a is held as a * 2^384 mod p, fully reduced (< p).
using Fp = PrimeField<Modulus>;

constexpr Fp to_mont(const Limbs& plain) noexcept {
  return detail::to_mont<Modulus>(plain);
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
// The tower (tower.hpp), with xi = 1 + i.

using Fp2 = Fp2T<Fp, 1>;
using Fp6 = Fp6T<Fp2>;
using Fp12 = Fp12T<Fp6>;

constexpr Fp2 k_xi = Fp2::xi();

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

// Computed once on first use rather than at compile time: the 381-bit power of xi alone takes more
// steps than GCC allows a constant expression.
const FrobeniusCoefficients<Fp2>& frobenius_coefficients() noexcept {
  static const FrobeniusCoefficients<Fp2> c = make_frobenius_coefficients<Fp2>();
  return c;
}

template <int N>
Fp12 frobenius(const Fp12& a) noexcept {
  return detail::frobenius<N>(a, frobenius_coefficients());
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

// A coordinate from 48 big-endian bytes whose flag bits the caller has cleared.
std::optional<Fp> read_fp(const std::uint8_t* in) noexcept {
  const Limbs plain = read_be<k_limbs>(in);
  if (!less_n(plain, k_p)) return std::nullopt;
  return to_mont(plain);
}

ScalarLimbs read_scalar(const Scalar& k) noexcept {
  return read_be<4>(k.data());
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
  write_be(from_mont(p.x), out.data());
  out.bytes[0] |= k_flag_compressed | (is_larger_half(p.y) ? k_flag_larger : 0);
  return out;
}

FixedBytes<96> encode_g2(const Affine<Fp2>& q) noexcept {
  FixedBytes<96> out;
  if (q.infinity) {
    out.bytes[0] = k_flag_compressed | k_flag_infinity;
    return out;
  }
  write_be(from_mont(q.x.c1), out.data());
  write_be(from_mont(q.x.c0), out.data() + k_fp_bytes);
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

// A line evaluated at a G1 point, free_term + x_term w^2 + y_term w^3 for the M-type twist, which
// untwists as (x, y) -> (x / w^2, y / w^3): a line through T with twist slope s, at P = (xp, yp),
// is yp - (s / w) xp + (s xT - yT) / w^3; times w^3 (which lies in a proper subfield, so the final
// exponentiation removes it) it is (s xT - yT) - s xp w^2 + yp w^3. In the tower,
// c0 = (free_term, x_term, 0) and c1 = (0, y_term, 0).
using Line = detail::Line<Fp2>;

// f * line in thirteen Fp2 products instead of eighteen.
Fp12 mul_by_line(const Fp12& f, const Line& l) noexcept {
  const Fp6 t0 = mul_by_01(f.c0, l.free_term, l.x_term);
  const Fp6 t1 = mul_by_1(f.c1, l.y_term);
  const Fp6 c1 = mul_by_01(f.c0 + f.c1, l.free_term, l.x_term + l.y_term) - t0 - t1;
  return {t0 + mul_by_v(t1), c1};
}

struct PairState {
  Fp neg_xp, yp;      // the G1 point
  Affine<Fp2> q;      // the G2 point
  Projective<Fp2> t;  // the running multiple of Q
};

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
      f = mul_by_line(f, double_step(s.t, k_3b2, s.neg_xp, s.yp));
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
