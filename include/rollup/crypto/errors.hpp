#pragma once
// Errors of the crypto module: signature values and keys, keystore files, raw key files and the
// bn254 precompile inputs.
// Keystore and key-file details name the offending field or file and never hold a secret or a
// password.

#include "rollup/base/error.hpp"

namespace rollup::crypto {

enum class Errc {
  ok = 0,
  invalid_signature,          // r or s is zero or not below the curve order n
  high_s,                     // s > n/2, rejected since Homestead (EIP-2)
  invalid_recovery_id,        // y parity other than 0 or 1
  recovery_failed,            // no public key yields this signature
  invalid_secret_key,         // zero or not below n
  keystore_malformed,         // not JSON, or a field missing, of the wrong type or out of range
  keystore_unsupported,       // a version, kdf, prf or cipher that V3 files may name but we lack
  keystore_kdf_limits,        // KDF parameters that would cost more memory or CPU than we allow
  keystore_mac_mismatch,      // wrong password, or the file was altered
  keystore_address_mismatch,  // the file's address field is not the address of the key inside
  keystore_crypto_failure,    // OpenSSL failed (random bytes, cipher, KDF) or memory ran out
  key_file_unreadable,        // cannot open or read the raw key file
  key_file_permissions,       // the raw key file is open to group or others
  key_file_malformed,         // not 64 hex digits with an optional 0x and trailing newline
  invalid_curve_point,        // bn254 or BLS12-381 input: a coordinate >= p, a point off its
                              // curve or outside the order-r subgroup, a malformed encoding, or a
                              // pairing input not a multiple of 192 bytes
};

}  // namespace rollup::crypto
ROLLUP_DECLARE_ERRC(rollup::crypto, Errc);
