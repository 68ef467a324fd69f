#include "rollup/crypto/digests.hpp"

#include <openssl/evp.h>

#include "rollup/base/assert.hpp"

namespace rollup::crypto {
namespace {

// Fetch each algorithm once: the implicit fetch behind EVP_sha256() repeats a provider look-up on
// every call in OpenSSL 3, which costs more than hashing a short input.
const EVP_MD* fetch(const char* name) noexcept {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  ROLLUP_ASSERT(md != nullptr);  // both are in OpenSSL 3.0.7+'s default provider
  return md;
}

template <std::size_t N>
FixedBytes<N> digest(const EVP_MD* md, ByteView data) noexcept {
  FixedBytes<N> out;
  unsigned int len = 0;
  const int ok = EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  ROLLUP_ASSERT(ok == 1 && len == N);
  return out;
}

}  // namespace

Hash sha256(ByteView data) noexcept {
  static const EVP_MD* md = fetch("SHA256");
  return digest<32>(md, data);
}

FixedBytes<20> ripemd160(ByteView data) noexcept {
  static const EVP_MD* md = fetch("RIPEMD160");
  return digest<20>(md, data);
}

}  // namespace rollup::crypto
