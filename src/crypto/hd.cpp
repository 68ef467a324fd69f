#include "rollup/crypto/hd.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstring>

#include "rollup/base/assert.hpp"

namespace rollup::crypto {

namespace {

FixedBytes<64> hmac_sha512(ByteView key, ByteView data) {
  FixedBytes<64> out;
  unsigned int len = 0;
  ROLLUP_ASSERT(HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), data.data(),
                     data.size(), out.data(), &len) != nullptr &&
                len == 64);
  return out;
}

}  // namespace

FixedBytes<64> bip39_seed(std::string_view mnemonic, std::string_view passphrase) {
  const std::string salt = "mnemonic" + std::string(passphrase);
  FixedBytes<64> seed;
  ROLLUP_ASSERT(PKCS5_PBKDF2_HMAC(mnemonic.data(), static_cast<int>(mnemonic.size()),
                                  reinterpret_cast<const unsigned char*>(salt.data()),
                                  static_cast<int>(salt.size()), 2048, EVP_sha512(), 64,
                                  seed.data()) == 1);
  return seed;
}

Result<SecretKey> derive_key(const FixedBytes<64>& seed, std::span<const std::uint32_t> path) {
  static constexpr std::string_view k_master = "Bitcoin seed";
  FixedBytes<64> node =
      hmac_sha512(ByteView(reinterpret_cast<const std::uint8_t*>(k_master.data()), k_master.size()),
                  seed.view());
  // node = key (32) || chain code (32)
  uint256 key = uint256::from_be(ByteView(node.data(), 32));
  if (key.is_zero() || key >= k_secp256k1_n) return fail(Errc::invalid_secret_key, "master key");
  for (const std::uint32_t index : path) {
    std::array<std::uint8_t, 37> data{};
    std::size_t len = 0;
    if (index & k_hardened) {
      data[0] = 0;
      key.to_be(std::span<std::uint8_t, 32>(data.data() + 1, 32));
      len = 33;
    } else {
      ROLLUP_TRY(const SecretKey parent, SecretKey::from_bytes(key.to_be()));
      ROLLUP_TRY(const PublicKey pub, public_key(parent));
      data[0] = (pub.data()[63] & 1) ? 0x03 : 0x02;  // compressed: parity of y, then x
      std::memcpy(data.data() + 1, pub.data(), 32);
      len = 33;
    }
    for (int b = 0; b < 4; ++b) data[len + b] = static_cast<std::uint8_t>(index >> (24 - 8 * b));
    const FixedBytes<64> child =
        hmac_sha512(ByteView(node.data() + 32, 32), ByteView(data.data(), len + 4));
    const uint256 tweak = uint256::from_be(ByteView(child.data(), 32));
    // BIP-32: an out-of-range tweak or a zero key means "skip to the next index"; the caller's
    // path names one index, so it is reported instead (probability about 2^-127).
    if (tweak >= k_secp256k1_n) return fail(Errc::invalid_secret_key, "derived tweak out of range");
    key = addmod(key, tweak, k_secp256k1_n);
    if (key.is_zero()) return fail(Errc::invalid_secret_key, "derived key is zero");
    std::memcpy(node.data(), child.data(), 64);
    key.to_be(std::span<std::uint8_t, 32>(node.data(), 32));
  }
  return SecretKey::from_bytes(key.to_be());
}

Result<SecretKey> ethereum_account_key(const FixedBytes<64>& seed, std::uint32_t index) {
  const std::uint32_t path[] = {44 | k_hardened, 60 | k_hardened, 0 | k_hardened, 0, index};
  return derive_key(seed, path);
}

}  // namespace rollup::crypto
