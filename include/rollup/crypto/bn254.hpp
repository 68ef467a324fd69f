#pragma once
// The alt_bn128 (bn254) curve operations behind the EVM precompiles 0x06 (ECADD), 0x07 (ECMUL) and
// 0x08 (pairing check), with exactly the input rules of EIP-196 and EIP-197 as geth applies them:
// these run in consensus, so accepting or rejecting one input differently from other clients splits
// the chain.
//
// Encoding: every number is a 32-byte big-endian word. A G1 point is (x, y) over Fp, with (0, 0)
// for the point at infinity. A G2 point lies on the sextic twist y^2 = x^3 + 3/(9+i) over Fp2 =
// Fp[i] / (i^2 + 1) and is written (x_imaginary, x_real, y_imaginary, y_real), all zeros for
// infinity. A coordinate must be below the field modulus p, a point must lie on its curve, and a G2
// point must also lie in the order-r subgroup (G1 has cofactor 1, so its curve check is enough).
// Scalars are any 256-bit value. Inputs are public, so nothing here is constant-time.
//
// Gas and the zero-padding or truncation of the call data are the caller's: add() and mul() take
// exactly the 128 and 96 bytes the precompile reads.

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/crypto/errors.hpp"

namespace rollup::crypto::bn254 {

// EIP-196 ECADD. `input` is exactly 128 bytes (asserted): x1, y1, x2, y2. Returns x || y of the
// sum, 64 zero bytes for infinity. Errc::invalid_curve_point when a coordinate is >= p or a point
// is not on the curve.
[[nodiscard]] Result<FixedBytes<64>> add(ByteView input);

// EIP-196 ECMUL. `input` is exactly 96 bytes (asserted): x, y, scalar. The scalar is taken as it
// is, not reduced first (which gives the same point, since every curve point has order r or 1).
[[nodiscard]] Result<FixedBytes<64>> mul(ByteView input);

// EIP-197 pairing check. `input` is a sequence of 192-byte elements, each a G1 point then a G2
// point. True when the product of the pairings of all elements is one, and for empty input; an
// element with either point at infinity contributes one, though both of its points are still
// validated. Errc::invalid_curve_point for a length that is not a multiple of 192, a coordinate >=
// p, a point not on its curve, or a G2 point outside the order-r subgroup.
[[nodiscard]] Result<bool> pairing_check(ByteView input);

}  // namespace rollup::crypto::bn254
