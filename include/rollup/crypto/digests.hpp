#pragma once
// SHA-256 and RIPEMD-160 through OpenSSL (the EVM precompiles 0x02 and 0x03 need them), and
// HMAC-SHA256 (JWT authentication of admin calls).

#include "rollup/base/bytes.hpp"

namespace rollup::crypto {

[[nodiscard]] Hash sha256(ByteView data) noexcept;
[[nodiscard]] FixedBytes<20> ripemd160(ByteView data) noexcept;
[[nodiscard]] Hash hmac_sha256(ByteView key, ByteView data) noexcept;

}  // namespace rollup::crypto
