#include "rollup/crypto/kzg.hpp"

#include <array>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/bls12_381.hpp"
#include "rollup/crypto/digests.hpp"

namespace rollup::crypto::kzg {
namespace {

using bls12_381::G1;
using bls12_381::G2;

// [tau]G2, the second G2 point of the Ethereum mainnet KZG trusted setup (the output of the 2023
// KZG ceremony), compressed: line 4100 of c-kzg-4844's src/trusted_setup.txt, whose G2 points start
// at line 4099 with the generator. The consensus-spec-tests proofs in kzg_test.cpp and the
// GeneralStateTests point evaluation calls verify against it.
constexpr FixedBytes<96> k_tau_g2 = {
    {0xb5, 0xbf, 0xd7, 0xdd, 0x8c, 0xde, 0xb1, 0x28, 0x84, 0x3b, 0xc2, 0x87, 0x23, 0x0a,
     0xf3, 0x89, 0x26, 0x18, 0x70, 0x75, 0xcb, 0xfb, 0xef, 0xa8, 0x10, 0x09, 0xa2, 0xce,
     0x61, 0x5a, 0xc5, 0x3d, 0x29, 0x14, 0xe5, 0x87, 0x0c, 0xb4, 0x52, 0xd2, 0xaf, 0xaa,
     0xab, 0x24, 0xf3, 0x49, 0x9f, 0x72, 0x18, 0x5c, 0xbf, 0xee, 0x53, 0x49, 0x27, 0x14,
     0x73, 0x44, 0x29, 0xb7, 0xb3, 0x86, 0x08, 0xe2, 0x39, 0x26, 0xc9, 0x11, 0xcc, 0xec,
     0xea, 0xc9, 0xa3, 0x68, 0x51, 0x47, 0x7b, 0xa4, 0xc6, 0x0b, 0x08, 0x70, 0x41, 0xde,
     0x62, 0x10, 0x00, 0xed, 0xc9, 0x8e, 0xda, 0xda, 0x20, 0xc1, 0xde, 0xf2}};

const G2& tau_g2() noexcept {
  static const G2 point = [] {
    auto q = G2::decompress(k_tau_g2);
    ROLLUP_ASSERT(q.has_value());  // a valid point of G2, as the tests check
    return *q;
  }();
  return point;
}

// The specs' bytes_to_bls_field: a big-endian value below r, not reduced.
bool is_canonical_field_element(const Hash& v) noexcept {
  return v < k_bls_modulus;  // FixedBytes orders bytewise, which is big-endian numeric order
}

}  // namespace

Result<bool> verify_kzg_proof(const Bytes48& commitment, const Hash& z, const Hash& y,
                              const Bytes48& proof) {
  ROLLUP_TRY(const G1 c, with_context(G1::decompress(commitment), "KZG commitment"));
  if (!is_canonical_field_element(z)) {
    return fail(Errc::invalid_curve_point, "KZG evaluation point z is not below the BLS modulus");
  }
  if (!is_canonical_field_element(y)) {
    return fail(Errc::invalid_curve_point, "KZG claimed value y is not below the BLS modulus");
  }
  ROLLUP_TRY(const G1 pi, with_context(G1::decompress(proof), "KZG proof"));

  // The specs check e(C - [y]G1, G2) == e(pi, [tau - z]G2). Moving [z] across the second pairing
  // (e(pi, [-z]G2) = e([z]pi, -G2)) keeps every scalar multiplication in G1, where it is about
  // three times cheaper: e(C - [y]G1 + [z]pi, -G2) * e(pi, [tau]G2) == 1.
  const G1 lhs = c - G1::generator() * y + pi * z;
  const std::array<bls12_381::PairingTerm, 2> terms = {{{lhs, -G2::generator()}, {pi, tau_g2()}}};
  return bls12_381::pairing_check(terms);
}

Hash kzg_to_versioned_hash(const Bytes48& commitment) noexcept {
  Hash out = sha256(commitment.view());
  out.bytes[0] = k_versioned_hash_version;
  return out;
}

}  // namespace rollup::crypto::kzg
