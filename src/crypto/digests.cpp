#include "rollup/crypto/digests.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "openssl_md.hpp"
#include "rollup/base/assert.hpp"

namespace rollup::crypto {
namespace {

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

namespace detail {

const EVP_MD* sha256_md() noexcept {
  static const EVP_MD* md = fetch("SHA256");
  return md;
}

const EVP_MD* ripemd160_md() noexcept {
  static const EVP_MD* md = fetch("RIPEMD160");
  return md;
}

}  // namespace detail

Hash sha256(ByteView data) noexcept {
  return digest<32>(detail::sha256_md(), data);
}

FixedBytes<20> ripemd160(ByteView data) noexcept {
  return digest<20>(detail::ripemd160_md(), data);
}

Hash hmac_sha256(ByteView key, ByteView data) noexcept {
  Hash out;
  unsigned int len = 0;
  ROLLUP_ASSERT(HMAC(detail::sha256_md(), key.data(), static_cast<int>(key.size()), data.data(),
                     data.size(), out.data(), &len) != nullptr &&
                len == 32);
  return out;
}

}  // namespace rollup::crypto
