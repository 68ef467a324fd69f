#pragma once
// The BLS12-381 groups G1 and G2 and a pairing check, as much of the curve as EIP-4844's point
// evaluation precompile (0x0a) needs: KZG commitments and proofs are G1 points, the trusted setup
// brings G2 points, and a proof is checked with a product of two pairings.
//
// Encoding: the ZCash compressed form the consensus specs use, 48 bytes for G1 (x) and 96 for G2
// (x.c1 then x.c0 for x = c0 + c1 i), big-endian, with three flags in the top bits of the first
// byte: 0x80 compressed (required), 0x40 infinity (then every other bit is zero), 0x20 set when y
// is the larger of y and -y (for Fp2 compared on c1 first, on c0 when c1 is zero). decompress()
// accepts exactly what the consensus specs' validate_kzg_g1 (KeyValidate, or the one infinity
// encoding) and c-kzg accept: a coordinate must be below p, the point must lie on its curve and in
// the order-r subgroup. A point held in a G1 or G2 value is always in its group; the operations
// keep it there.
//
// Inputs are public (proofs, commitments, setup points), so nothing here is constant-time.

#include <array>
#include <cstdint>
#include <span>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/crypto/errors.hpp"

namespace rollup::crypto::bls12_381 {

// A scalar as 32 big-endian bytes. Any 256-bit value is taken as it is; a multiple of r acts as
// zero.
using Scalar = FixedBytes<32>;

class Internal;  // the implementation's access to the coordinates

// A point of G1, the order-r subgroup of y^2 = x^3 + 4 over Fp.
class G1 {
 public:
  G1() noexcept = default;  // the point at infinity
  [[nodiscard]] static G1 generator() noexcept;
  // Errc::invalid_curve_point, with the reason in the detail, unless the 48 bytes are the
  // canonical compressed encoding of a point of G1.
  [[nodiscard]] static Result<G1> decompress(const FixedBytes<48>& bytes);
  [[nodiscard]] FixedBytes<48> compress() const noexcept;
  [[nodiscard]] bool is_infinity() const noexcept;

  friend G1 operator+(const G1& a, const G1& b) noexcept;
  friend G1 operator-(const G1& a) noexcept;
  friend G1 operator-(const G1& a, const G1& b) noexcept { return a + -b; }
  friend G1 operator*(const G1& p, const Scalar& k) noexcept;
  friend bool operator==(const G1& a, const G1& b) noexcept;

 private:
  friend class Internal;
  // Jacobian X, Y, Z in Montgomery form, six limbs each, least significant first; Z = 0 is the
  // point at infinity.
  std::array<std::uint64_t, 18> m_xyz{};
};

// A point of G2, the order-r subgroup of the twist y^2 = x^3 + 4(1 + i) over Fp2 = Fp[i]/(i^2 + 1).
class G2 {
 public:
  G2() noexcept = default;  // the point at infinity
  [[nodiscard]] static G2 generator() noexcept;
  // As G1::decompress, for the 96-byte encoding.
  [[nodiscard]] static Result<G2> decompress(const FixedBytes<96>& bytes);
  [[nodiscard]] FixedBytes<96> compress() const noexcept;
  [[nodiscard]] bool is_infinity() const noexcept;

  friend G2 operator+(const G2& a, const G2& b) noexcept;
  friend G2 operator-(const G2& a) noexcept;
  friend G2 operator-(const G2& a, const G2& b) noexcept { return a + -b; }
  friend G2 operator*(const G2& p, const Scalar& k) noexcept;
  friend bool operator==(const G2& a, const G2& b) noexcept;

 private:
  friend class Internal;
  // Jacobian X, Y, Z over Fp2 (c0 then c1, each six Montgomery limbs); Z = 0 at infinity.
  std::array<std::uint64_t, 36> m_xyz{};
};

struct PairingTerm {
  G1 p;
  G2 q;
};

// True when the product of e(p, q) over all terms is one (and for no terms), with e the optimal ate
// pairing; a term with a point at infinity contributes one. What is computed is a fixed power of
// e coprime to r, which answers this question exactly.
[[nodiscard]] bool pairing_check(std::span<const PairingTerm> terms) noexcept;

}  // namespace rollup::crypto::bls12_381
