#pragma once
// scrypt (RFC 7914): PBKDF2-HMAC-SHA256 from OpenSSL around our own ROMix. OpenSSL's scrypt refuses
// N >= 2^(16 r) (RFC 7914's bound, "memory limit exceeded"), but Ethereum keystores ignore that
// bound: geth and ethereum/tests use n = 2^18 with r = 1. The caller bounds the cost: this function
// allocates 128 * r * (n + p) bytes and runs n * r * p block mixes as asked.

#include <cstdint>
#include <span>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"

namespace rollup::crypto {

// Requires n a power of two >= 2, r >= 1, p >= 1 (asserted: the keystore validates before calling).
// Only the first out.size() bytes of the key are produced; a longer dkLen has the same prefix.
// Fails with keystore_crypto_failure when memory cannot be allocated or OpenSSL fails.
[[nodiscard]] Result<void> scrypt(ByteView password, ByteView salt, std::uint64_t n,
                                  std::uint32_t r, std::uint32_t p, std::span<std::uint8_t> out);

}  // namespace rollup::crypto
