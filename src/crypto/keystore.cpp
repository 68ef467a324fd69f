#include "rollup/crypto/keystore.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "openssl_md.hpp"
#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/scrypt.hpp"

namespace rollup::crypto {
namespace {

using Json = nlohmann::json;

// A keystore is under 1 KiB; the bound keeps a stray multi-gigabyte file from being parsed.
constexpr std::size_t k_max_json_bytes = 1 << 20;
// Salts are 16 or 32 bytes in practice; the bound keeps the KDF input small.
constexpr std::size_t k_max_salt_bytes = 1024;
// Only the first 32 bytes of the derived key are used, and a longer dklen leaves them unchanged
// (both KDFs end in PBKDF2, whose first block does not depend on the output length), so we derive
// 32 bytes whatever dklen says. The upper bound only refuses nonsense.
constexpr std::uint64_t k_min_dklen = 32;
constexpr std::uint64_t k_max_dklen = 1024;
// "0x" + 64 digits + "\r\n".
constexpr std::size_t k_max_key_file_bytes = 68;

// A fixed-size buffer for secret bytes, wiped however the scope ends.
template <std::size_t N>
class Secret {
 public:
  Secret() = default;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { OPENSSL_cleanse(m_bytes.data(), N); }
  [[nodiscard]] std::uint8_t* data() noexcept { return m_bytes.data(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return m_bytes.data(); }
  [[nodiscard]] std::span<std::uint8_t, N> span() noexcept { return m_bytes; }
  [[nodiscard]] ByteView view() const noexcept { return {m_bytes.data(), N}; }

 private:
  std::array<std::uint8_t, N> m_bytes{};
};

struct Kdf {
  KeystoreKdf kind = KeystoreKdf::scrypt;
  std::uint64_t n = 0;
  std::uint64_t r = 0;
  std::uint64_t p = 0;
  std::uint64_t c = 0;
  Bytes salt;
};

std::string join(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

// A value from the file, for an error message. The values echoed (algorithm names) are never
// secret, but the file is untrusted, so they are cut short and kept printable.
std::string quoted(std::string_view s) {
  constexpr std::size_t k_max = 32;
  std::string out = "\"";
  for (char c : s.substr(0, k_max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > k_max) out += "...";
  out += '"';
  return out;
}

std::unexpected<Error> malformed(const std::string& path, std::string_view what) {
  return fail(Errc::keystore_malformed, path + ": " + std::string(what));
}

Result<const Json*> get(const Json& obj, std::string_view parent, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) return malformed(join(parent, key), "missing");
  return &*it;
}

Result<const Json*> get_object(const Json& obj, std::string_view parent, const char* key) {
  ROLLUP_TRY(const Json* v, get(obj, parent, key));
  if (!v->is_object()) return malformed(join(parent, key), "not an object");
  return v;
}

Result<std::string_view> get_string(const Json& obj, std::string_view parent, const char* key) {
  ROLLUP_TRY(const Json* v, get(obj, parent, key));
  if (!v->is_string()) return malformed(join(parent, key), "not a string");
  return std::string_view(v->get_ref<const std::string&>());
}

Result<std::uint64_t> get_uint(const Json& obj, std::string_view parent, const char* key) {
  ROLLUP_TRY(const Json* v, get(obj, parent, key));
  // nlohmann types every non-negative integer literal as unsigned; negative, fractional and
  // out-of-range numbers (which it turns into doubles) all land here.
  if (!v->is_number_unsigned()) {
    return malformed(join(parent, key), "not a non-negative integer below 2^64");
  }
  return v->get<std::uint64_t>();
}

// Hex with an optional 0x, either case, of min..max bytes.
Result<Bytes> get_hex(const Json& obj, std::string_view parent, const char* key, std::size_t min,
                      std::size_t max) {
  ROLLUP_TRY(std::string_view text, get_string(obj, parent, key));
  auto bytes = hex::decode(text, hex::Prefix::optional);
  if (!bytes) {
    return malformed(join(parent, key),
                     "not hex (" + std::string(bytes.error().code().message()) + ")");
  }
  if (bytes->size() < min || bytes->size() > max) {
    const std::string want = min == max
                                 ? std::to_string(min) + " bytes"
                                 : std::to_string(min) + " to " + std::to_string(max) + " bytes";
    return malformed(join(parent, key),
                     "must be " + want + ", got " + std::to_string(bytes->size()));
  }
  return std::move(*bytes);
}

std::string mib(long double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.0Lf MiB", bytes / (1024.0L * 1024.0L));
  return buf;
}

// Checks validity (malformed) and then cost (keystore_kdf_limits), before any work. `path` names
// the parameters in messages: "crypto.kdfparams" when decrypting, "params" when encrypting.
Result<void> check_kdf(const Kdf& k, const std::string& path) {
  if (k.kind == KeystoreKdf::pbkdf2) {
    if (k.c == 0) return malformed(path + ".c", "must be at least 1");
    if (k.c > k_keystore_max_pbkdf2_c) {
      return fail(Errc::keystore_kdf_limits, path + ".c: pbkdf2 iteration count " +
                                                 std::to_string(k.c) + " is above the limit of " +
                                                 std::to_string(k_keystore_max_pbkdf2_c));
    }
    return {};
  }
  if (k.n < 2 || !std::has_single_bit(k.n)) {
    return malformed(path + ".n",
                     "must be a power of two greater than 1, got " + std::to_string(k.n));
  }
  if (k.r == 0) return malformed(path + ".r", "must be at least 1");
  if (k.p == 0) return malformed(path + ".p", "must be at least 1");
  // Divisions rather than products: the operands come from the file and may be near 2^64.
  if (k.r > k_keystore_max_scrypt_memory / 128 / k.n) {
    return fail(Errc::keystore_kdf_limits,
                path + ": scrypt n=" + std::to_string(k.n) + ", r=" + std::to_string(k.r) +
                    " would need " + mib(128.0L * k.n * k.r) + " of memory (128 * n * r bytes); " +
                    "the limit is " + mib(k_keystore_max_scrypt_memory));
  }
  if (k.p > k_keystore_max_scrypt_pr / k.r) {
    return fail(Errc::keystore_kdf_limits,
                path + ": scrypt p=" + std::to_string(k.p) + ", r=" + std::to_string(k.r) +
                    ": p * r is above the limit of " + std::to_string(k_keystore_max_scrypt_pr));
  }
  // n * r <= 2^23 and p * r <= 2^16 here, so n * r * p fits easily.
  if (k.n * k.r * k.p > k_keystore_max_scrypt_work) {
    return fail(Errc::keystore_kdf_limits,
                path + ": scrypt n * r * p = " + std::to_string(k.n * k.r * k.p) +
                    " is above the limit of " + std::to_string(k_keystore_max_scrypt_work) +
                    " (8 times geth's standard n=262144, r=8, p=1)");
  }
  return {};
}

const EVP_CIPHER* aes128_ctr_cipher() noexcept {
  static const EVP_CIPHER* cipher = [] {
    const EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr);
    ROLLUP_ASSERT(c != nullptr);
    return c;
  }();
  return cipher;
}

// The first 32 bytes of the derived key. check_kdf has passed.
Result<void> derive(const Kdf& k, std::string_view password, std::span<std::uint8_t, 32> out) {
  // OpenSSL takes int lengths.
  if (password.size() > INT_MAX) {
    return fail(Errc::keystore_kdf_limits, "password longer than 2^31 - 1 bytes");
  }
  if (k.kind == KeystoreKdf::scrypt) {
    return scrypt(as_bytes(password), k.salt, k.n, static_cast<std::uint32_t>(k.r),
                  static_cast<std::uint32_t>(k.p), out);
  }
  static const char k_empty[1] = {0};
  const char* pass = password.empty() ? k_empty : password.data();
  if (PKCS5_PBKDF2_HMAC(pass, static_cast<int>(password.size()), k.salt.data(),
                        static_cast<int>(k.salt.size()), static_cast<int>(k.c), detail::sha256_md(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    return fail(Errc::keystore_crypto_failure, "PBKDF2-HMAC-SHA256");
  }
  return {};
}

// AES-128-CTR with the first 16 bytes of the derived key; the same call encrypts and decrypts. The
// counter is the whole 128-bit iv, incremented big-endian and wrapping, as geth's Go CTR does.
Result<void> aes128_ctr(const std::uint8_t* key, ByteView iv, ByteView in, std::uint8_t* out) {
  ROLLUP_ASSERT(iv.size() == 16 && in.size() <= INT_MAX);
  // Freeing the context also wipes the expanded AES key inside it.
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  int len = 0;
  int final_len = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), aes128_ctr_cipher(), key, iv.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + len, &final_len) != 1 ||
      static_cast<std::size_t>(len + final_len) != in.size()) {
    return fail(Errc::keystore_crypto_failure, "AES-128-CTR");
  }
  return {};
}

// keccak256(derived_key[16..32] || ciphertext).
Hash keystore_mac(const Secret<32>& derived, ByteView ciphertext) noexcept {
  Keccak256 hasher;
  hasher.update(derived.view().subspan(16, 16));
  hasher.update(ciphertext);
  const Hash mac = hasher.finalize();
  // finalize() resets the sponge; wiping again costs nothing and does not rely on that.
  OPENSSL_cleanse(&hasher, sizeof(hasher));
  return mac;
}

bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

Result<Kdf> parse_kdf(const Json& crypto, const std::string& cp) {
  ROLLUP_TRY(std::string_view name, get_string(crypto, cp, "kdf"));
  Kdf kdf;
  if (name == "scrypt") {
    kdf.kind = KeystoreKdf::scrypt;
  } else if (name == "pbkdf2") {
    kdf.kind = KeystoreKdf::pbkdf2;
  } else {
    return fail(Errc::keystore_unsupported,
                cp + ".kdf: " + quoted(name) + "; supported are scrypt and pbkdf2");
  }
  ROLLUP_TRY(const Json* params, get_object(crypto, cp, "kdfparams"));
  const std::string pp = cp + ".kdfparams";
  if (kdf.kind == KeystoreKdf::scrypt) {
    ROLLUP_TRY(kdf.n, get_uint(*params, pp, "n"));
    ROLLUP_TRY(kdf.r, get_uint(*params, pp, "r"));
    ROLLUP_TRY(kdf.p, get_uint(*params, pp, "p"));
  } else {
    ROLLUP_TRY(kdf.c, get_uint(*params, pp, "c"));
    ROLLUP_TRY(std::string_view prf, get_string(*params, pp, "prf"));
    if (prf != "hmac-sha256") {
      return fail(Errc::keystore_unsupported,
                  pp + ".prf: " + quoted(prf) + "; only hmac-sha256 is supported");
    }
  }
  ROLLUP_TRY(const std::uint64_t dklen, get_uint(*params, pp, "dklen"));
  if (dklen < k_min_dklen || dklen > k_max_dklen) {
    return malformed(pp + ".dklen", "must be between " + std::to_string(k_min_dklen) + " and " +
                                        std::to_string(k_max_dklen) + ", got " +
                                        std::to_string(dklen));
  }
  ROLLUP_TRY(kdf.salt, get_hex(*params, pp, "salt", 1, k_max_salt_bytes));
  ROLLUP_TRY_VOID(check_kdf(kdf, pp));
  return kdf;
}

}  // namespace

Result<SecretKey> decrypt_keystore(std::string_view json, std::string_view password) {
  if (json.size() > k_max_json_bytes) {
    return fail(Errc::keystore_malformed, "larger than 1 MiB, and a keystore is under 1 KiB");
  }
  Json doc;
  try {
    doc = Json::parse(json.begin(), json.end());
  } catch (const Json::parse_error& e) {
    // Not e.what(): it quotes the text around the error, and only the offset is needed.
    return fail(Errc::keystore_malformed,
                "not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!doc.is_object()) return fail(Errc::keystore_malformed, "not a JSON object");

  ROLLUP_TRY(const Json* version, get(doc, "", "version"));
  if (!version->is_number_integer()) return malformed("version", "not an integer");
  if (*version != 3) {
    return fail(Errc::keystore_unsupported,
                "version: " + version->dump() + "; only version 3 is supported");
  }

  // geth reads "crypto" through Go's case-insensitive JSON matching; early files wrote "Crypto".
  const bool lower = doc.contains("crypto");
  const bool upper = doc.contains("Crypto");
  if (lower && upper) return malformed("crypto", "both \"crypto\" and \"Crypto\" are present");
  const std::string cp = upper ? "Crypto" : "crypto";
  ROLLUP_TRY(const Json* crypto, get_object(doc, "", cp.c_str()));

  ROLLUP_TRY(std::string_view cipher, get_string(*crypto, cp, "cipher"));
  if (cipher != "aes-128-ctr") {
    return fail(Errc::keystore_unsupported,
                cp + ".cipher: " + quoted(cipher) + "; only aes-128-ctr is supported");
  }
  ROLLUP_TRY(const Json* cipherparams, get_object(*crypto, cp, "cipherparams"));
  ROLLUP_TRY(const Bytes iv, get_hex(*cipherparams, cp + ".cipherparams", "iv", 16, 16));
  // 32 bytes: the file holds a secp256k1 key and nothing else.
  ROLLUP_TRY(const Bytes ciphertext, get_hex(*crypto, cp, "ciphertext", 32, 32));
  ROLLUP_TRY(const Bytes mac, get_hex(*crypto, cp, "mac", 32, 32));
  ROLLUP_TRY(const Kdf kdf, parse_kdf(*crypto, cp));

  std::optional<Address> address;
  if (doc.contains("address")) {
    ROLLUP_TRY(const Bytes bytes, get_hex(doc, "", "address", 20, 20));
    address = Address::from_view(bytes);
  }
  // Not used here, but geth refuses a file whose id is not a UUID, and so do we.
  if (doc.contains("id")) {
    ROLLUP_TRY(std::string_view id, get_string(doc, "", "id"));
    if (!is_uuid(id)) return malformed("id", "not a UUID (8-4-4-4-12 hex digits)");
  }

  Secret<32> derived;
  ROLLUP_TRY_VOID(derive(kdf, password, derived.span()));
  const Hash expected = keystore_mac(derived, ciphertext);
  if (CRYPTO_memcmp(expected.data(), mac.data(), expected.size()) != 0) {
    return fail(Errc::keystore_mac_mismatch, "MAC mismatch");
  }
  Secret<32> plain;
  ROLLUP_TRY_VOID(aes128_ctr(derived.data(), iv, ciphertext, plain.data()));
  auto key = SecretKey::from_bytes(plain.view());
  if (!key) {
    return fail(Errc::invalid_secret_key,
                "the keystore decrypts to a value that is zero or not below the curve order");
  }
  if (address) {
    ROLLUP_TRY(const PublicKey pub, public_key(*key));
    if (address_of(pub) != *address) {
      // The file's address only: the key's own address would tell a reader of the logs something
      // the file does not.
      return fail(Errc::keystore_address_mismatch,
                  "address: the file names " + hex::encode(*address) +
                      ", which is not the address of the key it holds");
    }
  }
  return key;
}

Result<std::string> encrypt_keystore(const SecretKey& key, std::string_view password,
                                     const KeystoreParams& params) {
  Kdf kdf;
  kdf.kind = params.kdf;
  kdf.n = params.scrypt_n;
  kdf.r = params.scrypt_r;
  kdf.p = params.scrypt_p;
  kdf.c = params.pbkdf2_c;
  kdf.salt.resize(32);
  ROLLUP_TRY_VOID(check_kdf(kdf, "params"));

  std::array<std::uint8_t, 16> iv{};
  std::array<std::uint8_t, 16> uuid{};
  if (RAND_bytes(kdf.salt.data(), static_cast<int>(kdf.salt.size())) != 1 ||
      RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1 ||
      RAND_bytes(uuid.data(), static_cast<int>(uuid.size())) != 1) {
    return fail(Errc::keystore_crypto_failure, "RAND_bytes");
  }
  // RFC 4122 version 4 (random) and variant 10.
  uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);
  uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);
  const std::string u = hex::encode(uuid, false);
  const std::string id = u.substr(0, 8) + "-" + u.substr(8, 4) + "-" + u.substr(12, 4) + "-" +
                         u.substr(16, 4) + "-" + u.substr(20);

  Secret<32> derived;
  ROLLUP_TRY_VOID(derive(kdf, password, derived.span()));
  std::array<std::uint8_t, 32> ciphertext{};
  ROLLUP_TRY_VOID(aes128_ctr(derived.data(), iv, ByteView(key.data(), 32), ciphertext.data()));
  const Hash mac = keystore_mac(derived, ciphertext);
  ROLLUP_TRY(const PublicKey pub, public_key(key));

  Json kdfparams = Json::object();
  kdfparams["dklen"] = 32;
  kdfparams["salt"] = hex::encode(kdf.salt, false);
  if (kdf.kind == KeystoreKdf::scrypt) {
    kdfparams["n"] = kdf.n;
    kdfparams["r"] = kdf.r;
    kdfparams["p"] = kdf.p;
  } else {
    kdfparams["c"] = kdf.c;
    kdfparams["prf"] = "hmac-sha256";
  }
  Json crypto = Json::object();
  crypto["cipher"] = "aes-128-ctr";
  crypto["ciphertext"] = hex::encode(ciphertext, false);
  crypto["cipherparams"] = Json::object();
  crypto["cipherparams"]["iv"] = hex::encode(iv, false);
  crypto["kdf"] = kdf.kind == KeystoreKdf::scrypt ? "scrypt" : "pbkdf2";
  crypto["kdfparams"] = std::move(kdfparams);
  crypto["mac"] = hex::encode(mac, false);
  Json doc = Json::object();
  doc["address"] = hex::encode(address_of(pub), false);
  doc["crypto"] = std::move(crypto);
  doc["id"] = id;
  doc["version"] = 3;
  return doc.dump();
}

namespace {

// Opens a file that holds a secret, refusing it (like ssh a private key) when group or others may
// access it. The descriptor is checked with fstat, so the file checked is the file read.
class PrivateFile {
 public:
  static Result<PrivateFile> open(const std::filesystem::path& path) {
    const std::string where = path.string();
    PrivateFile f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (f.m_fd < 0) return fail(Errc::key_file_unreadable, where + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.m_fd, &st) != 0) {
      return fail(Errc::key_file_unreadable, where + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
      return fail(Errc::key_file_unreadable, where + ": not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
      char mode[16];
      std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return fail(Errc::key_file_permissions,
                  where + " has mode " + mode +
                      ", which lets group or others read it; run chmod 600 " + where);
    }
    return f;
  }
  PrivateFile(PrivateFile&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
  PrivateFile& operator=(PrivateFile&&) = delete;
  ~PrivateFile() {
    if (m_fd >= 0) ::close(m_fd);
  }
  // Reads up to `cap` bytes into `out`; returns how many (cap + 1 means "too long").
  Result<std::size_t> read(std::uint8_t* out, std::size_t cap, const std::string& where) {
    std::size_t len = 0;
    while (len < cap) {
      const ssize_t got = ::read(m_fd, out + len, cap - len);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return fail(Errc::key_file_unreadable, where + ": " + std::strerror(errno));
      if (got == 0) break;
      len += static_cast<std::size_t>(got);
    }
    return len;
  }

 private:
  explicit PrivateFile(int fd) : m_fd(fd) {}
  int m_fd;
};

// A private text file read whole into `out` (which the caller wipes), at most `max` bytes.
Result<void> read_private_text(const std::filesystem::path& path, std::size_t max,
                               std::string& out) {
  ROLLUP_TRY(auto file, PrivateFile::open(path));
  out.assign(max + 1, '\0');
  ROLLUP_TRY(const std::size_t len,
             file.read(reinterpret_cast<std::uint8_t*>(out.data()), max + 1, path.string()));
  if (len > max) {
    return fail(Errc::key_file_malformed,
                path.string() + ": longer than " + std::to_string(max) + " bytes");
  }
  out.resize(len);
  return {};
}

}  // namespace

Result<SecretKey> read_keystore_file(const std::filesystem::path& keystore,
                                     const std::filesystem::path& password_file) {
  std::string json, password;
  auto wipe = [&] {
    std::fill(json.begin(), json.end(), '\0');
    std::fill(password.begin(), password.end(), '\0');
  };
  Result<SecretKey> out = [&]() -> Result<SecretKey> {
    ROLLUP_TRY_VOID(read_private_text(keystore, 64 * 1024, json));
    ROLLUP_TRY_VOID(read_private_text(password_file, 4 * 1024, password));
    // One trailing newline, as editors and `echo` leave, is not part of the password.
    if (password.ends_with("\r\n")) {
      password.resize(password.size() - 2);
    } else if (password.ends_with('\n')) {
      password.pop_back();
    }
    return with_context(decrypt_keystore(json, password), keystore.string());
  }();
  wipe();
  return out;
}

Result<SecretKey> read_raw_key_file(const std::filesystem::path& path) {
  const std::string where = path.string();
  ROLLUP_TRY(auto file, PrivateFile::open(path));

  Secret<k_max_key_file_bytes + 1> buf;
  ROLLUP_TRY(const std::size_t len, file.read(buf.data(), k_max_key_file_bytes + 1, where));
  const std::string_view k_want =
      ": want 64 hex digits, optionally 0x-prefixed, and at most one trailing newline";
  if (len > k_max_key_file_bytes) {
    return fail(Errc::key_file_malformed, where + ": too long" + std::string(k_want));
  }
  std::string_view text(reinterpret_cast<const char*>(buf.data()), len);
  if (text.ends_with("\r\n")) {
    text.remove_suffix(2);
  } else if (text.ends_with('\n')) {
    text.remove_suffix(1);
  }
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  // The messages say what is wrong, never what the file holds.
  if (text.size() != 64) {
    return fail(Errc::key_file_malformed,
                where + ": " + std::to_string(text.size()) + " characters" + std::string(k_want));
  }
  Secret<32> bytes;
  if (!hex::decode_into(text, bytes.span(), hex::Prefix::forbidden)) {
    return fail(Errc::key_file_malformed, where + ": not hex" + std::string(k_want));
  }
  auto key = SecretKey::from_bytes(bytes.view());
  if (!key) {
    return fail(Errc::invalid_secret_key, where + ": zero or not below the curve order");
  }
  return key;
}

}  // namespace rollup::crypto
