#pragma once
// KZG polynomial commitments as EIP-4844 uses them: checking one evaluation proof, the
// consensus specs' verify_kzg_proof (deneb/polynomial-commitments.md), and the versioned hash
// that blob transactions and the point evaluation precompile (0x0a) name a commitment by.
//
// Only [tau]G2 of the Ethereum mainnet trusted setup takes part in checking a proof, so that one
// point is built in and no setup file is read. Commitments and proofs are public, so nothing here
// is constant-time.

#include <cstdint>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/crypto/errors.hpp"

namespace rollup::crypto::kzg {

using Bytes48 = FixedBytes<48>;

// The consensus specs' FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS (r, the order of the BLS12-381
// groups, as a big-endian word): the point evaluation precompile returns both.
inline constexpr std::uint64_t k_field_elements_per_blob = 4096;
inline constexpr Hash k_bls_modulus = {{0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48,
                                        0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
                                        0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe,
                                        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01}};
inline constexpr std::uint8_t k_versioned_hash_version = 0x01;

// Whether `proof` shows that the polynomial committed to by `commitment` takes the value y at z.
// z and y are big-endian field elements and must be below k_bls_modulus; commitment and proof are
// compressed G1 points, each validated as the specs' validate_kzg_g1 does (the infinity encoding
// or a point of G1). Any of those failing is Errc::invalid_curve_point, with the reason in the
// detail; a well-formed proof that does not hold is false.
[[nodiscard]] Result<bool> verify_kzg_proof(const Bytes48& commitment, const Hash& z, const Hash& y,
                                            const Bytes48& proof);

// VERSIONED_HASH_VERSION_KZG || sha256(commitment)[1:].
[[nodiscard]] Hash kzg_to_versioned_hash(const Bytes48& commitment) noexcept;

}  // namespace rollup::crypto::kzg
