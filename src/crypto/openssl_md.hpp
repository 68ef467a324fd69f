#pragma once
// OpenSSL digests fetched once per process (private to the crypto module): the implicit fetch
// behind EVP_sha256() repeats a provider look-up on every call in OpenSSL 3, which costs more than
// hashing a short input.

#include <openssl/evp.h>

namespace rollup::crypto::detail {

[[nodiscard]] const EVP_MD* sha256_md() noexcept;
[[nodiscard]] const EVP_MD* ripemd160_md() noexcept;

}  // namespace rollup::crypto::detail
