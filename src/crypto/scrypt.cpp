#include "rollup/crypto/scrypt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#include "openssl_md.hpp"
#include "rollup/base/assert.hpp"
#include "rollup/crypto/errors.hpp"

namespace rollup::crypto {
namespace {

// Every buffer here is derived from the password, so each is wiped however the function returns.
class WipedWords {
 public:
  explicit WipedWords(std::size_t count)
      : m_words(std::make_unique_for_overwrite<std::uint32_t[]>(count)), m_count(count) {}
  WipedWords(const WipedWords&) = delete;
  WipedWords& operator=(const WipedWords&) = delete;
  ~WipedWords() { OPENSSL_cleanse(m_words.get(), m_count * sizeof(std::uint32_t)); }
  std::uint32_t* get() noexcept { return m_words.get(); }

 private:
  std::unique_ptr<std::uint32_t[]> m_words;
  std::size_t m_count;
};

bool pbkdf2_once(ByteView password, ByteView salt, std::span<std::uint8_t> out) noexcept {
  // OpenSSL takes int lengths; the keystore bounds all three far below INT_MAX.
  if (password.size() > INT_MAX || salt.size() > INT_MAX || out.size() > INT_MAX) return false;
  static const char k_empty[1] = {0};
  const char* pass = password.empty() ? k_empty : reinterpret_cast<const char*>(password.data());
  const unsigned char* s =
      salt.empty() ? reinterpret_cast<const unsigned char*>(k_empty) : salt.data();
  return PKCS5_PBKDF2_HMAC(pass, static_cast<int>(password.size()), s,
                           static_cast<int>(salt.size()), 1, detail::sha256_md(),
                           static_cast<int>(out.size()), out.data()) == 1;
}

// Salsa20/8 core (RFC 7914 section 3) on 16 little-endian words, in place.
void salsa20_8(std::uint32_t b[16]) noexcept {
  std::uint32_t x[16];
  std::memcpy(x, b, sizeof(x));
  for (int i = 0; i < 8; i += 2) {
    x[4] ^= std::rotl(x[0] + x[12], 7);
    x[8] ^= std::rotl(x[4] + x[0], 9);
    x[12] ^= std::rotl(x[8] + x[4], 13);
    x[0] ^= std::rotl(x[12] + x[8], 18);
    x[9] ^= std::rotl(x[5] + x[1], 7);
    x[13] ^= std::rotl(x[9] + x[5], 9);
    x[1] ^= std::rotl(x[13] + x[9], 13);
    x[5] ^= std::rotl(x[1] + x[13], 18);
    x[14] ^= std::rotl(x[10] + x[6], 7);
    x[2] ^= std::rotl(x[14] + x[10], 9);
    x[6] ^= std::rotl(x[2] + x[14], 13);
    x[10] ^= std::rotl(x[6] + x[2], 18);
    x[3] ^= std::rotl(x[15] + x[11], 7);
    x[7] ^= std::rotl(x[3] + x[15], 9);
    x[11] ^= std::rotl(x[7] + x[3], 13);
    x[15] ^= std::rotl(x[11] + x[7], 18);
    x[1] ^= std::rotl(x[0] + x[3], 7);
    x[2] ^= std::rotl(x[1] + x[0], 9);
    x[3] ^= std::rotl(x[2] + x[1], 13);
    x[0] ^= std::rotl(x[3] + x[2], 18);
    x[6] ^= std::rotl(x[5] + x[4], 7);
    x[7] ^= std::rotl(x[6] + x[5], 9);
    x[4] ^= std::rotl(x[7] + x[6], 13);
    x[5] ^= std::rotl(x[4] + x[7], 18);
    x[11] ^= std::rotl(x[10] + x[9], 7);
    x[8] ^= std::rotl(x[11] + x[10], 9);
    x[9] ^= std::rotl(x[8] + x[11], 13);
    x[10] ^= std::rotl(x[9] + x[8], 18);
    x[12] ^= std::rotl(x[15] + x[14], 7);
    x[13] ^= std::rotl(x[12] + x[15], 9);
    x[14] ^= std::rotl(x[13] + x[12], 13);
    x[15] ^= std::rotl(x[14] + x[13], 18);
  }
  for (int i = 0; i < 16; ++i) b[i] += x[i];
  OPENSSL_cleanse(x, sizeof(x));
}

// BlockMix_{Salsa20/8, r}: 2r 64-byte blocks from `in` to `out` (which must not overlap), with the
// even-indexed results first and the odd-indexed ones after them.
void block_mix(const std::uint32_t* in, std::uint32_t* out, std::uint32_t r) noexcept {
  std::uint32_t x[16];
  std::memcpy(x, in + (2 * r - 1) * 16, sizeof(x));
  for (std::uint32_t i = 0; i < 2 * r; ++i) {
    for (int k = 0; k < 16; ++k) x[k] ^= in[i * 16 + k];
    salsa20_8(x);
    std::memcpy(out + ((i / 2) + (i % 2) * r) * 16, x, sizeof(x));
  }
  OPENSSL_cleanse(x, sizeof(x));
}

// ROMix on one 128 r-byte block of words; v holds n blocks, y is scratch of one block.
void ro_mix(std::uint32_t* x, std::uint32_t* v, std::uint32_t* y, std::uint64_t n,
            std::uint32_t r) noexcept {
  const std::size_t words = 32 * static_cast<std::size_t>(r);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::memcpy(v + i * words, x, words * sizeof(std::uint32_t));
    block_mix(x, y, r);
    std::memcpy(x, y, words * sizeof(std::uint32_t));
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    // Integerify: the first 8 bytes of the last 64-byte block, little-endian, modulo n.
    const std::uint64_t last = (2 * static_cast<std::uint64_t>(r) - 1) * 16;
    const std::uint64_t j = ((static_cast<std::uint64_t>(x[last + 1]) << 32) | x[last]) & (n - 1);
    const std::uint32_t* vj = v + j * words;
    for (std::size_t k = 0; k < words; ++k) x[k] ^= vj[k];
    block_mix(x, y, r);
    std::memcpy(x, y, words * sizeof(std::uint32_t));
  }
}

}  // namespace

Result<void> scrypt(ByteView password, ByteView salt, std::uint64_t n, std::uint32_t r,
                    std::uint32_t p, std::span<std::uint8_t> out) {
  ROLLUP_ASSERT(n >= 2 && std::has_single_bit(n) && r >= 1 && p >= 1);
  const std::size_t block_bytes = 128 * static_cast<std::size_t>(r);
  ROLLUP_ASSERT(n <= SIZE_MAX / block_bytes && p <= SIZE_MAX / block_bytes - n);
  const std::size_t block_words = block_bytes / 4;
  try {
    WipedWords b(block_words * p);
    WipedWords v(block_words * n);
    WipedWords xy(2 * block_words);
    auto* b_bytes = reinterpret_cast<std::uint8_t*>(b.get());
    if (!pbkdf2_once(password, salt, {b_bytes, block_bytes * p})) {
      return fail(Errc::keystore_crypto_failure, "PBKDF2-HMAC-SHA256 inside scrypt");
    }
    std::uint32_t* x = xy.get();
    std::uint32_t* y = xy.get() + block_words;
    for (std::uint32_t i = 0; i < p; ++i) {
      std::uint8_t* block = b_bytes + i * block_bytes;
      // Words are little-endian in the RFC; converting explicitly keeps the code right on any host.
      for (std::size_t k = 0; k < block_words; ++k) {
        const std::uint8_t* w = block + 4 * k;
        x[k] = static_cast<std::uint32_t>(w[0]) | static_cast<std::uint32_t>(w[1]) << 8 |
               static_cast<std::uint32_t>(w[2]) << 16 | static_cast<std::uint32_t>(w[3]) << 24;
      }
      ro_mix(x, v.get(), y, n, r);
      for (std::size_t k = 0; k < block_words; ++k) {
        std::uint8_t* w = block + 4 * k;
        w[0] = static_cast<std::uint8_t>(x[k]);
        w[1] = static_cast<std::uint8_t>(x[k] >> 8);
        w[2] = static_cast<std::uint8_t>(x[k] >> 16);
        w[3] = static_cast<std::uint8_t>(x[k] >> 24);
      }
    }
    if (!pbkdf2_once(password, {b_bytes, block_bytes * p}, out)) {
      return fail(Errc::keystore_crypto_failure, "PBKDF2-HMAC-SHA256 inside scrypt");
    }
    return {};
  } catch (const std::bad_alloc&) {
    return fail(
        Errc::keystore_crypto_failure,
        "out of memory for scrypt (" + std::to_string(block_bytes * (n + p) >> 20) + " MiB)");
  }
}

}  // namespace rollup::crypto
