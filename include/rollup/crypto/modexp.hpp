#pragma once
// Modular exponentiation of arbitrary-length big-endian integers through OpenSSL's BIGNUM, for the
// EVM precompile 0x05 (EIP-198). The precompile's gas rule is what bounds the operand sizes; this
// function computes whatever it is given.

#include <cstddef>

#include "rollup/base/bytes.hpp"

namespace rollup::crypto {

// base^exponent mod modulus, each operand an unsigned big-endian integer of any length (leading
// zeros allowed, empty meaning zero). The result is big-endian, left-padded to exactly
// modulus.size() bytes. A zero modulus (empty or all zero bytes) gives all zeros, as EIP-198 says;
// 0^0 is 1, so a zero exponent gives 1 mod modulus. The exponent may be of any length (it is fed
// to OpenSSL in parts, and trailing zero bytes cost only squarings); base and modulus must stay
// below OpenSSL's BIGNUM limit of about 64 MiB each (asserted).
[[nodiscard]] Bytes modexp(ByteView base, ByteView exponent, ByteView modulus);

namespace detail {
// modexp with the exponent split into parts of at most max_part bytes (1 to 16 MiB; modexp uses
// 16 MiB), so that tests can reach the multi-part path with small exponents.
[[nodiscard]] Bytes modexp_in_parts(ByteView base, ByteView exponent, ByteView modulus,
                                    std::size_t max_part);
}  // namespace detail

}  // namespace rollup::crypto
