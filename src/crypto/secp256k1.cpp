#include "rollup/crypto/secp256k1.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cstring>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"

namespace rollup::crypto {

namespace {

const secp256k1_context* context() noexcept {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    ROLLUP_ASSERT(c != nullptr);
    // Blinding for signing; recovery and verification do not depend on it.
    unsigned char seed[32];
    ROLLUP_ASSERT(RAND_bytes(seed, sizeof(seed)) == 1);
    ROLLUP_ASSERT(secp256k1_context_randomize(c, seed) == 1);
    OPENSSL_cleanse(seed, sizeof(seed));
    return c;
  }();
  return ctx;
}

PublicKey serialize(const secp256k1_pubkey& key) noexcept {
  std::uint8_t buf[65];
  std::size_t len = sizeof(buf);
  secp256k1_ec_pubkey_serialize(context(), buf, &len, &key, SECP256K1_EC_UNCOMPRESSED);
  PublicKey out;
  std::memcpy(out.data(), buf + 1, 64);
  return out;
}

}  // namespace

Result<SecretKey> SecretKey::from_bytes(ByteView bytes) {
  if (bytes.size() != 32) return fail(Errc::invalid_secret_key, "want 32 bytes");
  SecretKey key;
  std::memcpy(key.m_bytes.data(), bytes.data(), 32);
  if (secp256k1_ec_seckey_verify(context(), key.m_bytes.data()) != 1) {
    return fail(Errc::invalid_secret_key, "zero or not below the curve order");
  }
  return key;
}

SecretKey::~SecretKey() { OPENSSL_cleanse(m_bytes.data(), m_bytes.size()); }

Result<void> check_signature_values(const uint256& r, const uint256& s, bool require_low_s) {
  if (r.is_zero() || s.is_zero() || r >= k_secp256k1_n || s >= k_secp256k1_n) {
    return fail(Errc::invalid_signature);
  }
  if (require_low_s && s > k_secp256k1_half_n) return fail(Errc::high_s);
  return {};
}

Result<Signature> sign(const Hash& message_hash, const SecretKey& key) {
  secp256k1_ecdsa_recoverable_signature rsig;
  // A null nonce function selects libsecp256k1's RFC 6979 default; its output is always low-s.
  if (secp256k1_ecdsa_sign_recoverable(context(), &rsig, message_hash.data(), key.data(), nullptr,
                                       nullptr) != 1) {
    return fail(Errc::invalid_secret_key);
  }
  std::uint8_t compact[64];
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact, &recid, &rsig);
  Signature sig;
  sig.r = uint256::from_be(ByteView(compact, 32));
  sig.s = uint256::from_be(ByteView(compact + 32, 32));
  sig.y_parity = static_cast<std::uint8_t>(recid);
  return sig;
}

Result<PublicKey> public_key(const SecretKey& key) {
  secp256k1_pubkey pub;
  if (secp256k1_ec_pubkey_create(context(), &pub, key.data()) != 1) {
    return fail(Errc::invalid_secret_key);
  }
  return serialize(pub);
}

Result<PublicKey> recover_public_key(const Hash& message_hash, const Signature& sig) {
  if (sig.y_parity > 1) return fail(Errc::invalid_recovery_id);
  std::uint8_t compact[64];
  sig.r.to_be(std::span<std::uint8_t, 32>(compact, 32));
  sig.s.to_be(std::span<std::uint8_t, 32>(compact + 32, 32));
  secp256k1_ecdsa_recoverable_signature rsig;
  // parse_compact refuses r or s >= n; recover refuses r == 0 or s == 0 and points not on the curve.
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &rsig, compact,
                                                          sig.y_parity) != 1) {
    return fail(Errc::invalid_signature);
  }
  secp256k1_pubkey pub;
  if (secp256k1_ecdsa_recover(context(), &pub, &rsig, message_hash.data()) != 1) {
    return fail(Errc::recovery_failed);
  }
  return serialize(pub);
}

Result<Address> recover_address(const Hash& message_hash, const Signature& sig) {
  auto pub = recover_public_key(message_hash, sig);
  if (!pub) return fail(pub.error());
  return address_of(*pub);
}

Address address_of(const PublicKey& key) noexcept {
  const Hash h = keccak256(key.view());
  Address out;
  std::memcpy(out.data(), h.data() + 12, 20);
  return out;
}

}  // namespace rollup::crypto
