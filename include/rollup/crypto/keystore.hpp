#pragma once
// Key files: Ethereum keystores (Web3 Secret Storage version 3, as geth, clef and wallets write
// them) and raw hex key files.
//
// Invariants:
//  - The MAC, keccak256(derived_key[16..32] || ciphertext), is compared in constant time before
//    anything is decrypted; a mismatch is Errc::keystore_mac_mismatch ("wrong password or corrupted
//    keystore: MAC mismatch").
//  - KDF parameters are checked against the limits below before any work is done, so a hostile file
//    cannot make us allocate gigabytes or spin for hours.
//  - Every malformed field is refused with its JSON path in the detail ("crypto.kdfparams.salt: not
//    hex"). Unknown fields are ignored, as geth does.
//  - Derived keys, plaintext and key-file contents are wiped on every path, and no error detail
//    ever holds a secret, the password or the contents of a key file.
//
// The MAC does not cover the iv: an altered iv decrypts to a different key without any error. When
// the file carries an `address` (geth always writes one), that check catches it; without one it
// cannot be caught.
//
// Unlike the rest of the module, this part does I/O (read_raw_key_file) and draws randomness
// (encrypt_keystore). It is the only such corner of crypto.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "rollup/base/error.hpp"
#include "rollup/crypto/errors.hpp"
#include "rollup/crypto/secp256k1.hpp"

namespace rollup::crypto {

// scrypt: 128 * n * r bytes of memory. geth's standard n = 2^18, r = 8 takes 256 MiB.
inline constexpr std::uint64_t k_keystore_max_scrypt_memory = std::uint64_t{1} << 30;
// scrypt: n * r * p block mixes, 8x geth's standard cost (2^21), about 8 s here.
inline constexpr std::uint64_t k_keystore_max_scrypt_work = std::uint64_t{1} << 24;
// scrypt: p * r, which sizes the 128 * p * r-byte buffer that every parallel lane starts from.
inline constexpr std::uint64_t k_keystore_max_scrypt_pr = std::uint64_t{1} << 16;
// pbkdf2: iterations; 10M is about 40x the 262,144 that pbkdf2 keystores use.
inline constexpr std::uint64_t k_keystore_max_pbkdf2_c = 10'000'000;

enum class KeystoreKdf { scrypt, pbkdf2 };

struct KeystoreParams {
  KeystoreKdf kdf = KeystoreKdf::scrypt;
  std::uint64_t scrypt_n = 262144;  // geth's StandardScryptN
  std::uint32_t scrypt_r = 8;
  std::uint32_t scrypt_p = 1;       // geth's StandardScryptP
  std::uint32_t pbkdf2_c = 262144;  // the spec's example count; used when kdf is pbkdf2

  // geth's standard scrypt parameters (about a second and 256 MiB per encryption or decryption).
  static KeystoreParams standard() noexcept { return {}; }
  // geth's LightScryptN/P (n = 4096, p = 6): about 50 ms; for tests and throwaway keys only.
  static KeystoreParams light() noexcept {
    KeystoreParams p;
    p.scrypt_n = 4096;
    p.scrypt_p = 6;
    return p;
  }
};

// Decrypts a V3 keystore: version 3; a "crypto" (or "Crypto") object; kdf scrypt (n, r, p, dklen,
// salt) or pbkdf2 (c, dklen, prf hmac-sha256, salt); cipher aes-128-ctr (cipherparams.iv). Hex
// fields may carry 0x. If the file has an `address`, it must be the key's.
[[nodiscard]] Result<SecretKey> decrypt_keystore(std::string_view json, std::string_view password);

// A V3 keystore JSON for the key: random 32-byte salt and 16-byte iv, a random (version 4) uuid as
// id, and the address in lower case without 0x, as geth writes it. Parameters beyond the limits
// above are refused, the same as when decrypting.
[[nodiscard]] Result<std::string> encrypt_keystore(const SecretKey& key, std::string_view password,
                                                   const KeystoreParams& params = {});

// A file holding the key as 64 hex digits, with an optional 0x and an optional trailing newline
// ("\n" or "\r\n"). Refused, like ssh refuses a private key, when its mode grants any access to
// group or others (anything beyond 0600 / 0400 and owner execute).
[[nodiscard]] Result<SecretKey> read_raw_key_file(const std::filesystem::path& path);
// A V3 keystore file and the file holding its password (one trailing newline is not part of it),
// both refused like a raw key file when group or others may read them. The password and the
// file's text are wiped after use.
[[nodiscard]] Result<SecretKey> read_keystore_file(const std::filesystem::path& keystore,
                                                   const std::filesystem::path& password_file);

}  // namespace rollup::crypto
