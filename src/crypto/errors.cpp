#include "rollup/crypto/errors.hpp"

namespace rollup::crypto {

std::string_view category_name(Errc) noexcept {
  return "crypto";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_signature: return "invalid signature values";
    case Errc::high_s: return "signature s value is above n/2";
    case Errc::invalid_recovery_id: return "invalid signature recovery id";
    case Errc::recovery_failed: return "public key recovery failed";
    case Errc::invalid_secret_key: return "invalid secret key";
    case Errc::keystore_malformed: return "malformed keystore";
    case Errc::keystore_unsupported: return "unsupported keystore";
    case Errc::keystore_kdf_limits: return "keystore KDF parameters exceed the safety limits";
    case Errc::keystore_mac_mismatch: return "wrong password or corrupted keystore";
    case Errc::keystore_address_mismatch: return "keystore address does not match its key";
    case Errc::keystore_crypto_failure: return "keystore cryptography failed";
    case Errc::key_file_unreadable: return "cannot read key file";
    case Errc::key_file_permissions: return "key file is accessible by other users";
    case Errc::key_file_malformed: return "malformed key file";
    case Errc::invalid_curve_point: return "invalid elliptic curve point";
  }
  return "unknown crypto error";
}

}  // namespace rollup::crypto
