// KeyStoreTests: {"json": a V3 keystore, "password": string, "priv": hex}. decrypt_keystore must
// give back "priv". The cases mix scrypt (one at n = 2^18 with r = 1, beyond OpenSSL's own scrypt)
// and pbkdf2 (c = 262144), an all-ones iv whose counter wraps, and files with an "address" to
// check.

#include <string>

#include "rollup/crypto/keystore.hpp"
#include "suite.hpp"

namespace rollup::conformance {

CaseResult run_keystore_case(const nlohmann::json& test, std::string_view /*file*/) {
  const std::string json = test.at("json").dump();
  const std::string password = test.at("password").get<std::string>();
  const Bytes priv = fixture_bytes(test.at("priv").get<std::string>());
  const auto key = crypto::decrypt_keystore(json, password);
  if (!key) return "decrypt failed: " + key.error().message();
  if (!equal(ByteView(key->data(), 32), priv)) return "decrypted key differs from 'priv'";
  return std::nullopt;
}

}  // namespace rollup::conformance
