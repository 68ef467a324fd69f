#include "rollup/crypto/bls12_381.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "rollup/base/hex.hpp"
#include "rollup/base/uint256.hpp"
#include "support/hex.hpp"

namespace rollup::crypto {
namespace {

using bls12_381::G1;
using bls12_381::G2;
using bls12_381::PairingTerm;

using testing::unhex;

template <std::size_t N>
std::string to_hex(const FixedBytes<N>& b) {
  return hex::encode(b.view(), false);
}

const uint256 k_r = uint256::from_words(0x73eda753299d7d48, 0x3339d80809a1d805, 0x53bda402fffe5bfe,
                                        0xffffffff00000001);
// The field modulus p as 48 big-endian bytes, in hex.
const std::string k_p_hex =
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa"
    "ab";

bls12_381::Scalar scalar(const uint256& k) {
  return k.to_hash();
}

// The generators in compressed form: the first G1 and G2 points of the Ethereum KZG trusted setup
// (consensus-specs presets/mainnet/trusted_setups/trusted_setup_4096.json, g1_monomial[0] and
// g2_monomial[0]), which are the ZCash generators.
const std::string k_g1_hex =
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6"
    "bb";
const std::string k_g2_hex =
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b"
    "7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bd"
    "b8";
const std::string k_g1_infinity_hex = "c0" + std::string(94, '0');
const std::string k_g2_infinity_hex = "c0" + std::string(190, '0');

// The decoding error's detail, or "ok".
std::string g1_error(std::string_view text) {
  auto p = G1::decompress(unhex<48>(text));
  if (p) return "ok";
  EXPECT_EQ(p.error(), Errc::invalid_curve_point);
  return p.error().detail();
}

std::string g2_error(std::string_view text) {
  auto q = G2::decompress(unhex<96>(text));
  if (q) return "ok";
  EXPECT_EQ(q.error(), Errc::invalid_curve_point);
  return q.error().detail();
}

// x as 48 big-endian bytes in hex, with the flag bits or'ed into the first byte.
std::string encode_x(const uint256& x, std::uint8_t flags) {
  std::string out = std::string(32, '0') + hex::encode(x.to_be(), false);
  const int first = std::stoi(out.substr(0, 2), nullptr, 16) | flags;
  const char digits[] = "0123456789abcdef";
  out[0] = digits[first >> 4];
  out[1] = digits[first & 0xf];
  return out;
}

TEST(Bls12381, GeneratorsHaveTheirKnownEncodings) {
  EXPECT_EQ(to_hex(G1::generator().compress()), k_g1_hex);
  EXPECT_EQ(to_hex(G2::generator().compress()), k_g2_hex);
  EXPECT_EQ(to_hex(G1{}.compress()), k_g1_infinity_hex);
  EXPECT_EQ(to_hex(G2{}.compress()), k_g2_infinity_hex);
  auto g1 = G1::decompress(unhex<48>(k_g1_hex));
  ASSERT_TRUE(g1) << g1.error().message();
  EXPECT_EQ(*g1, G1::generator());
  auto g2 = G2::decompress(unhex<96>(k_g2_hex));
  ASSERT_TRUE(g2) << g2.error().message();
  EXPECT_EQ(*g2, G2::generator());
}

TEST(Bls12381, GeneratorsHaveOrderR) {
  EXPECT_TRUE((G1::generator() * scalar(k_r)).is_infinity());
  EXPECT_TRUE((G2::generator() * scalar(k_r)).is_infinity());
  EXPECT_EQ(G1::generator() * scalar(k_r - 1), -G1::generator());
  EXPECT_EQ(G2::generator() * scalar(k_r - 1), -G2::generator());
  EXPECT_EQ(G1::generator() * scalar(k_r + 1), G1::generator());  // scalars are not reduced first
  EXPECT_FALSE((G1::generator() * scalar(k_r - 1)).is_infinity());
  // r is prime, so no smaller multiple is O; a few divisors of r - 1 stand in for "all of them".
  for (const uint256 d : {uint256{2}, uint256{3}, (k_r - 1) / 2, (k_r - 1) / 3}) {
    EXPECT_FALSE((G1::generator() * scalar(d)).is_infinity());
    EXPECT_FALSE((G2::generator() * scalar(d)).is_infinity());
  }
}

TEST(Bls12381, GroupLaw) {
  const G1 p = G1::generator() * scalar(0xdeadbeef);
  const G1 q = G1::generator() * scalar(uint256::from_words(7, 6, 5, 4));
  EXPECT_TRUE((p - p).is_infinity());
  EXPECT_EQ(p + G1{}, p);
  EXPECT_EQ(G1{} + p, p);
  EXPECT_EQ(p + p, p * scalar(2));
  EXPECT_EQ(p + q, q + p);
  EXPECT_EQ((p + q) + p, q + (p + p));
  EXPECT_TRUE((p * scalar(0)).is_infinity());
  EXPECT_TRUE((G1{} * scalar(12345)).is_infinity());
  EXPECT_NE(p, q);
  EXPECT_NE(p, G1{});

  const G2 a = G2::generator() * scalar(0xfeedf00d);
  const G2 b = G2::generator() * scalar(uint256::from_words(1, 2, 3, 4));
  EXPECT_TRUE((a - a).is_infinity());
  EXPECT_EQ(a + a, a * scalar(2));
  EXPECT_EQ(a + b, b + a);
  EXPECT_EQ((a + b) + a, b + (a + a));
  EXPECT_NE(a, b);
}

TEST(Bls12381, MulMatchesRepeatedAdd) {
  G1 sum1;
  G2 sum2;
  for (std::uint64_t k = 0; k <= 40; ++k) {
    EXPECT_EQ(G1::generator() * scalar(k), sum1) << k;
    EXPECT_EQ(G2::generator() * scalar(k), sum2) << k;
    sum1 = sum1 + G1::generator();
    sum2 = sum2 + G2::generator();
  }
}

TEST(Bls12381, MulIsLinearInTheScalar) {
  const uint256 scalars[] = {
      1,       2,       0xffffffffffffffffULL, uint256::from_words(0x1234, 0x5678, 0x9abc, 0xdef0),
      k_r - 1, k_r - 2, uint256::max()};
  for (const auto& a : scalars) {
    for (const auto& b : scalars) {
      const uint256 sum = (a % k_r + b % k_r) % k_r;
      EXPECT_EQ(G1::generator() * scalar(a) + G1::generator() * scalar(b),
                G1::generator() * scalar(sum));
      EXPECT_EQ((G1::generator() * scalar(a)) * scalar(b),
                G1::generator() * scalar(mulmod(a, b, k_r)));
    }
  }
  const uint256 a = uint256::from_words(0xabc, 0xdef, 0x123, 0x456);
  const uint256 b = k_r - 12345;
  EXPECT_EQ((G2::generator() * scalar(a)) * scalar(b), G2::generator() * scalar(mulmod(a, b, k_r)));
}

TEST(Bls12381, CompressionRoundTrips) {
  G1 p = G1::generator();
  G2 q = G2::generator();
  for (int i = 0; i < 20; ++i) {
    p = p * scalar(uint256::from_words(0, 0, 0x9e3779b97f4a7c15, 0xf39cc0605cedc835)) + p;
    q = q * scalar(uint256{0x9e3779b97f4a7c15ULL + static_cast<unsigned>(i)}) + q;
    auto p2 = G1::decompress(p.compress());
    ASSERT_TRUE(p2) << p2.error().message();
    EXPECT_EQ(*p2, p);
    EXPECT_EQ(p2->compress(), p.compress());
    auto q2 = G2::decompress(q.compress());
    ASSERT_TRUE(q2) << q2.error().message();
    EXPECT_EQ(*q2, q);
    // The sign flag tells P from -P.
    EXPECT_NE(p.compress(), (-p).compress());
    EXPECT_EQ(p.compress().bytes[0] ^ (-p).compress().bytes[0], 0x20);
    EXPECT_EQ(q.compress().bytes[0] ^ (-q).compress().bytes[0], 0x20);
  }
  auto inf1 = G1::decompress(unhex<48>(k_g1_infinity_hex));
  ASSERT_TRUE(inf1);
  EXPECT_TRUE(inf1->is_infinity());
  auto inf2 = G2::decompress(unhex<96>(k_g2_infinity_hex));
  ASSERT_TRUE(inf2);
  EXPECT_TRUE(inf2->is_infinity());
}

const std::string k_no_compression_g1 = "BLS12-381 G1 encoding lacks the compression flag";
const std::string k_bad_infinity_g1 = "BLS12-381 G1 infinity encoding has other bits set";
const std::string k_not_below_p_g1 = "BLS12-381 G1 x is not below the field modulus";
const std::string k_off_curve_g1 = "BLS12-381 G1 point is not on the curve";
const std::string k_outside_g1 = "BLS12-381 G1 point is not in the order-r subgroup";

TEST(Bls12381, G1DecodingRejectsBadEncodings) {
  // Flags: the compression flag is required, with or without the infinity flag; infinity must
  // have every other bit clear, the sign flag included.
  EXPECT_EQ(g1_error("17" + k_g1_hex.substr(2)), k_no_compression_g1);
  EXPECT_EQ(g1_error("40" + std::string(94, '0')), k_no_compression_g1);
  EXPECT_EQ(g1_error(std::string(96, '0')), k_no_compression_g1);
  EXPECT_EQ(g1_error("e0" + std::string(94, '0')), k_bad_infinity_g1);
  EXPECT_EQ(g1_error("c1" + std::string(94, '0')), k_bad_infinity_g1);
  EXPECT_EQ(g1_error("c0" + std::string(93, '0') + "1"), k_bad_infinity_g1);
  EXPECT_EQ(g1_error("d7" + k_g1_hex.substr(2)), k_bad_infinity_g1);  // the generator, flagged
  // x not below p: p itself, p + the generator's x, and the largest 381-bit value.
  EXPECT_EQ(g1_error("9a" + k_p_hex.substr(2)), k_not_below_p_g1);
  EXPECT_EQ(g1_error("ba" + k_p_hex.substr(2)), k_not_below_p_g1);
  EXPECT_EQ(g1_error("9f" + std::string(94, 'f')), k_not_below_p_g1);
  // x^3 + 4 is not a square for x = 1, 2, 3 (found with a short script).
  EXPECT_EQ(g1_error(encode_x(1, 0x80)), k_off_curve_g1);
  EXPECT_EQ(g1_error(encode_x(2, 0xa0)), k_off_curve_g1);
  EXPECT_EQ(g1_error(encode_x(3, 0x80)), k_off_curve_g1);
  // On the curve but outside G1: x = 0 gives (0, +-2), of order 3, and x = 4, 5, 6 give points
  // with [r]P != O (checked with the same script).
  EXPECT_EQ(g1_error(encode_x(0, 0x80)), k_outside_g1);
  EXPECT_EQ(g1_error(encode_x(0, 0xa0)), k_outside_g1);
  for (unsigned x : {4u, 5u, 6u}) {
    EXPECT_EQ(g1_error(encode_x(x, 0x80)), k_outside_g1) << x;
    EXPECT_EQ(g1_error(encode_x(x, 0xa0)), k_outside_g1) << x;
  }
  EXPECT_EQ(g1_error(k_g1_hex), "ok");
  EXPECT_EQ(g1_error("b7" + k_g1_hex.substr(2)), "ok");  // the sign flipped: -G
  EXPECT_EQ(*G1::decompress(unhex<48>("b7" + k_g1_hex.substr(2))), -G1::generator());
}

TEST(Bls12381, G2DecodingRejectsBadEncodings) {
  const std::string zero48(96, '0');
  const std::string x0_of_g = k_g2_hex.substr(96);
  EXPECT_EQ(g2_error("13" + k_g2_hex.substr(2)),
            "BLS12-381 G2 encoding lacks the compression flag");
  EXPECT_EQ(g2_error("e0" + std::string(190, '0')),
            "BLS12-381 G2 infinity encoding has other bits set");
  EXPECT_EQ(g2_error("c0" + std::string(189, '0') + "1"),
            "BLS12-381 G2 infinity encoding has other bits set");
  // Either half of x not below p (the flags only ever sit on the first).
  const std::string not_below = "BLS12-381 G2 x is not below the field modulus";
  EXPECT_EQ(g2_error("9a" + k_p_hex.substr(2) + x0_of_g), not_below);
  EXPECT_EQ(g2_error(k_g2_hex.substr(0, 96) + k_p_hex), not_below);
  EXPECT_EQ(g2_error(k_g2_hex.substr(0, 96) + "80" + x0_of_g.substr(2)), not_below);
  // x = k (real) with x^3 + 4(1 + i) not a square for k = 0, 1, 3, and a square for 2, 4, 5.
  for (unsigned k : {0u, 1u, 3u}) {
    EXPECT_EQ(g2_error("80" + zero48.substr(2) + encode_x(k, 0)),
              "BLS12-381 G2 point is not on the twist curve")
        << k;
  }
  for (unsigned k : {2u, 4u, 5u}) {
    EXPECT_EQ(g2_error("80" + zero48.substr(2) + encode_x(k, 0)),
              "BLS12-381 G2 point is not in the order-r subgroup")
        << k;
  }
  EXPECT_EQ(g2_error(k_g2_hex), "ok");
  EXPECT_EQ(*G2::decompress(unhex<96>("b3" + k_g2_hex.substr(2))), -G2::generator());
}

// e(aP, bQ) e(-abP, Q) == 1 for scalars a and b, and not for -(ab + 1).
TEST(Bls12381, PairingIsBilinear) {
  const G1 p = G1::generator();
  const G2 q = G2::generator();
  const uint256 as[] = {1, 3, 0xfedcba9876543210ULL, uint256::from_words(0x1234, 0, 1, 0)};
  const uint256 bs[] = {2, uint256::from_words(0, 0x0123456789abcdef, 0x0123456789abcdef, 77)};
  for (const auto& b : bs) {
    const G2 bq = q * scalar(b);
    for (const auto& a : as) {
      const G1 ap = p * scalar(a);
      const uint256 ab = mulmod(a, b, k_r);
      const PairingTerm good[] = {{ap, bq}, {p * scalar(k_r - ab), q}};
      EXPECT_TRUE(bls12_381::pairing_check(good));
      const PairingTerm bad[] = {{ap, bq}, {p * scalar(k_r - ab - 1), q}};
      EXPECT_FALSE(bls12_381::pairing_check(bad));
      // The same with the G2 side negated, and with the scalar moved across.
      const PairingTerm moved[] = {{p * scalar(ab), -q}, {ap, bq}};
      EXPECT_TRUE(bls12_381::pairing_check(moved));
      const PairingTerm across[] = {{p, q * scalar(ab)}, {-ap, bq}};
      EXPECT_TRUE(bls12_381::pairing_check(across));
    }
  }
  // e(P, Q) is not one (non-degenerate), nor is its square; e(P, Q) e(P, -Q) is.
  const PairingTerm one_term[] = {{p, q}};
  EXPECT_FALSE(bls12_381::pairing_check(one_term));
  const PairingTerm squared[] = {{p, q}, {p, q}};
  EXPECT_FALSE(bls12_381::pairing_check(squared));
  const PairingTerm inverse[] = {{p, q}, {p, -q}};
  EXPECT_TRUE(bls12_381::pairing_check(inverse));
  // e(P, Q)^r = 1, shown as e(P, Q)^(r - 1) e(P, Q) == 1.
  const PairingTerm order[] = {{p * scalar(k_r - 1), q}, {p, q}};
  EXPECT_TRUE(bls12_381::pairing_check(order));
}

TEST(Bls12381, PairingSkipsInfinity) {
  const G1 p = G1::generator();
  const G2 q = G2::generator();
  EXPECT_TRUE(bls12_381::pairing_check({}));
  const PairingTerm neutral[] = {{G1{}, q}, {p, G2{}}, {G1{}, G2{}}};
  EXPECT_TRUE(bls12_381::pairing_check(neutral));
  const PairingTerm mixed[] = {{G1{}, q}, {p, q}, {p, G2{}}, {-p, q}};
  EXPECT_TRUE(bls12_381::pairing_check(mixed));
  const PairingTerm not_one[] = {{G1{}, q}, {p, q}};
  EXPECT_FALSE(bls12_381::pairing_check(not_one));
}

// [tau]G2 of the Ethereum mainnet trusted setup, the point kzg.cpp builds in, is a point of G2;
// that it is the right point, the KZG tests show with real proofs.
const std::string k_tau_g2_hex =
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f"
    "72"
    "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1de"
    "f2";

TEST(Bls12381, SetupPointDecodes) {
  auto tau = G2::decompress(unhex<96>(k_tau_g2_hex));
  ASSERT_TRUE(tau) << tau.error().message();
  EXPECT_EQ(to_hex(tau->compress()), k_tau_g2_hex);
  EXPECT_NE(*tau, G2::generator());
}

}  // namespace
}  // namespace rollup::crypto
