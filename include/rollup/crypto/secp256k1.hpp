#pragma once
// ECDSA over secp256k1 through libsecp256k1: deterministic signing (RFC 6979 nonces, low-s output),
// public-key recovery and Ethereum address derivation. One process-wide context, created on first
// use and randomised against side channels; libsecp256k1 allows concurrent use of a const context.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/errors.hpp"

namespace rollup::crypto {

// The curve order n and n/2, as Ethereum's signature rules quote them.
inline constexpr uint256 k_secp256k1_n = uint256::from_words(
    0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFFEULL, 0xBAAEDCE6AF48A03BULL, 0xBFD25E8CD0364141ULL);
inline constexpr uint256 k_secp256k1_half_n = uint256::from_words(
    0x7FFFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFFFULL, 0x5D576E7357A4501DULL, 0xDFE92F46681B20A0ULL);

// A 32-byte secret key. Its bytes are wiped on destruction and it has no printing or hex helpers,
// so it cannot reach a log by accident.
class SecretKey {
 public:
  static Result<SecretKey> from_bytes(ByteView bytes);
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();
  [[nodiscard]] const std::uint8_t* data() const noexcept { return m_bytes.data(); }

 private:
  SecretKey() = default;
  Hash m_bytes;
};

// Uncompressed public key without the 0x04 tag: x || y, 64 bytes.
using PublicKey = FixedBytes<64>;

struct Signature {
  uint256 r;
  uint256 s;
  std::uint8_t y_parity = 0;  // recovery id: 0 or 1
};

// Ethereum's validity rule for signature values: 0 < r < n, 0 < s < n, and s <= n/2 when low-s is
// required (every transaction since Homestead).
[[nodiscard]] Result<void> check_signature_values(const uint256& r, const uint256& s,
                                                  bool require_low_s);

[[nodiscard]] Result<Signature> sign(const Hash& message_hash, const SecretKey& key);
[[nodiscard]] Result<PublicKey> public_key(const SecretKey& key);
[[nodiscard]] Result<PublicKey> recover_public_key(const Hash& message_hash, const Signature& sig);
[[nodiscard]] Result<Address> recover_address(const Hash& message_hash, const Signature& sig);
[[nodiscard]] Address address_of(const PublicKey& key) noexcept;  // keccak256(x || y)[12:]

// Many recoveries at once; entry i is exactly what recover_public_key(hashes[i], sigs[i]) (or
// recover_address) returns. Where the CPU has AVX-512 IFMA, eight recoveries run side by side in
// vector lanes, several times faster per signature than libsecp256k1 one by one; elsewhere, and
// for batches too small to repay the shared setup, each goes through libsecp256k1.
[[nodiscard]] std::vector<Result<PublicKey>> recover_public_keys(std::span<const Hash> hashes,
                                                                 std::span<const Signature> sigs);
[[nodiscard]] std::vector<Result<Address>> recover_addresses(std::span<const Hash> hashes,
                                                             std::span<const Signature> sigs);

namespace detail {
// The ways recover_public_keys can run, exposed so that tests hold each one this CPU supports to
// libsecp256k1 and benchmarks can say which one they measured.
enum class RecoverKernel { libsecp256k1, ifma };
[[nodiscard]] RecoverKernel recover_kernel() noexcept;  // what recover_public_keys uses here
[[nodiscard]] bool recover_kernel_supported(RecoverKernel kernel) noexcept;
// recover_public_keys with the given kernel at any batch size; the kernel must be supported.
[[nodiscard]] std::vector<Result<PublicKey>> recover_public_keys_with(
    RecoverKernel kernel, std::span<const Hash> hashes, std::span<const Signature> sigs);
// How many signatures the vector kernel has handed to libsecp256k1 since the process started
// (crafted ones whose final point addition degenerates), so tests can tell it did the rest itself.
[[nodiscard]] std::uint64_t recover_fallbacks() noexcept;
}  // namespace detail

}  // namespace rollup::crypto
