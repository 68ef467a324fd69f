#include "rollup/evm/precompiles.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "rollup/base/assert.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/blake2.hpp"
#include "rollup/crypto/bn254.hpp"
#include "rollup/crypto/digests.hpp"
#include "rollup/crypto/kzg.hpp"
#include "rollup/crypto/modexp.hpp"
#include "rollup/crypto/secp256k1.hpp"

namespace rollup::evm {
namespace {

// Gas (Cancun): Yellow Paper appendix E for 0x01..0x04, EIP-2565 for 0x05, EIP-152 for 0x09.
constexpr std::uint64_t k_ecrecover_gas = 3000;
constexpr std::uint64_t k_sha256_gas = 60;
constexpr std::uint64_t k_sha256_word_gas = 12;
constexpr std::uint64_t k_ripemd160_gas = 600;
constexpr std::uint64_t k_ripemd160_word_gas = 120;
constexpr std::uint64_t k_identity_gas = 15;
constexpr std::uint64_t k_identity_word_gas = 3;
constexpr std::uint64_t k_modexp_min_gas = 200;
constexpr std::uint64_t k_blake2f_round_gas = 1;

constexpr std::size_t k_blake2f_input_size = 213;

PrecompileResult succeed(std::uint64_t gas, std::uint64_t cost, Bytes output) {
  return {PrecompileStatus::success, gas - cost, std::move(output)};
}
PrecompileResult out_of_gas() {
  return {PrecompileStatus::out_of_gas, 0, {}};
}
PrecompileResult failure() {
  return {PrecompileStatus::failure, 0, {}};
}

// base + per_word for each 32-byte word of input, a partial word counting as a whole one. The
// input is in memory, so the word count is far too small for this to overflow.
std::uint64_t linear_cost(std::size_t size, std::uint64_t base, std::uint64_t per_word) noexcept {
  const std::uint64_t words = size / 32 + (size % 32 != 0 ? 1 : 0);
  return base + per_word * words;
}

// size bytes of input from offset on, with zeros past its end: the EVM reads call data as if
// it were followed by infinitely many zeros.
void read_padded(ByteView input, std::uint64_t offset, std::span<std::uint8_t> out) noexcept {
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  if (offset >= input.size()) return;
  const std::size_t n = std::min<std::uint64_t>(out.size(), input.size() - offset);
  if (n != 0) std::memcpy(out.data(), input.data() + offset, n);  // an empty span may be null
}

Bytes read_padded(ByteView input, std::uint64_t offset, std::uint64_t size) {
  Bytes out(size);
  read_padded(input, offset, out);
  return out;
}

// 0x01: the address that signed a hash, for signature values as transactions before EIP-155
// wrote them: v is 27 or 28. The low-s rule of transactions does not apply here.
PrecompileResult ecrecover(ByteView input, std::uint64_t gas) {
  if (gas < k_ecrecover_gas) return out_of_gas();
  std::array<std::uint8_t, 128> in;
  read_padded(input, 0, in);
  const ByteView words(in);
  Hash hash;
  std::memcpy(hash.data(), in.data(), 32);
  const uint256 v = uint256::from_be(words.subspan(32, 32));
  const uint256 r = uint256::from_be(words.subspan(64, 32));
  const uint256 s = uint256::from_be(words.subspan(96, 32));

  // A signature that recovers nothing is not an error of the call: the contract succeeds and
  // returns no data, and the caller checks the length.
  if (v != uint256{27} && v != uint256{28}) return succeed(gas, k_ecrecover_gas, {});
  if (!crypto::check_signature_values(r, s, /*require_low_s=*/false)) {
    return succeed(gas, k_ecrecover_gas, {});
  }
  const crypto::Signature sig{r, s, static_cast<std::uint8_t>(v.low64() - 27)};
  const auto address = crypto::recover_address(hash, sig);
  if (!address) return succeed(gas, k_ecrecover_gas, {});
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, address->data(), Address::size());
  return succeed(gas, k_ecrecover_gas, std::move(out));
}

// 0x02
PrecompileResult sha256(ByteView input, std::uint64_t gas) {
  const std::uint64_t cost = linear_cost(input.size(), k_sha256_gas, k_sha256_word_gas);
  if (gas < cost) return out_of_gas();
  const Hash digest = crypto::sha256(input);
  return succeed(gas, cost, Bytes(digest.bytes.begin(), digest.bytes.end()));
}

// 0x03: the 20-byte digest as a 32-byte word, left-padded with zeros.
PrecompileResult ripemd160(ByteView input, std::uint64_t gas) {
  const std::uint64_t cost = linear_cost(input.size(), k_ripemd160_gas, k_ripemd160_word_gas);
  if (gas < cost) return out_of_gas();
  const FixedBytes<20> digest = crypto::ripemd160(input);
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, digest.data(), digest.size());
  return succeed(gas, cost, std::move(out));
}

// 0x04
PrecompileResult identity(ByteView input, std::uint64_t gas) {
  const std::uint64_t cost = linear_cost(input.size(), k_identity_gas, k_identity_word_gas);
  if (gas < cost) return out_of_gas();
  return succeed(gas, cost, Bytes(input.begin(), input.end()));
}

// EIP-2565's price of a modexp call, computed in 256 bits so that no length the input can declare
// wraps around; nullopt when it does not fit in 64 bits, a price nobody can pay.
std::optional<std::uint64_t> modexp_cost(const uint256& base_len, const uint256& exp_len,
                                         const uint256& mod_len, const uint256& exp_head) noexcept {
  const uint256 max_len = std::max(base_len, mod_len);
  // Multiplication complexity ceil(max_len / 8)^2 is zero, and so is the product with any
  // iteration count, however large.
  if (max_len.is_zero()) return k_modexp_min_gas;
  const uint256 words = (max_len >> 3) + uint256{(max_len.low64() & 7) != 0 ? 1u : 0u};
  uint256 complexity;
  if (mul_overflow(words, words, complexity)) return std::nullopt;

  // The iteration count: the exponent's bit length minus one, its first 32 bytes standing for the
  // whole and each byte after them counting 8; at least 1.
  const unsigned head_bits = exp_head.bit_width();
  const uint256 head_part{head_bits > 0 ? head_bits - 1u : 0u};
  uint256 iterations = head_part;
  if (exp_len > uint256{32}) {
    uint256 length_part;
    if (mul_overflow(exp_len - uint256{32}, uint256{8}, length_part)) return std::nullopt;
    if (add_overflow(length_part, head_part, iterations)) return std::nullopt;
  }
  if (iterations.is_zero()) iterations = 1;

  // complexity and iterations are both at least 1 here, so an overflow means a huge price.
  uint256 product;
  if (mul_overflow(complexity, iterations, product)) return std::nullopt;
  const uint256 cost = product / uint256{3};
  if (!cost.fits_u64()) return std::nullopt;
  return std::max(k_modexp_min_gas, cost.low64());
}

// 0x05: base^exponent mod modulus over big-endian integers whose lengths the input declares
// (EIP-198), priced by EIP-2565.
PrecompileResult modexp(ByteView input, std::uint64_t gas) {
  std::array<std::uint8_t, 96> lengths;
  read_padded(input, 0, lengths);
  const ByteView words(lengths);
  const uint256 base_len = uint256::from_be(words.subspan(0, 32));
  const uint256 exp_len = uint256::from_be(words.subspan(32, 32));
  const uint256 mod_len = uint256::from_be(words.subspan(64, 32));

  // The exponent's first min(32, exp_len) bytes feed the price. They start at 96 + base_len,
  // which lies past the input (so they are zeros) whenever it does not fit in 64 bits.
  uint256 exp_head;
  uint256 exp_offset;
  if (!add_overflow(uint256{96}, base_len, exp_offset) && exp_offset.fits_u64()) {
    std::array<std::uint8_t, 32> head_bytes;
    const std::size_t head_len = exp_len < uint256{32} ? exp_len.low64() : 32;
    const std::span<std::uint8_t> head(head_bytes.data(), head_len);
    read_padded(input, exp_offset.low64(), head);
    exp_head = uint256::from_be(head);
  }

  const std::optional<std::uint64_t> cost = modexp_cost(base_len, exp_len, mod_len, exp_head);
  if (!cost || gas < *cost) return out_of_gas();
  if (base_len.is_zero() && mod_len.is_zero()) return succeed(gas, *cost, {});
  // A zero-length modulus makes a zero-length result, whatever the other operands hold.
  if (mod_len.is_zero()) return succeed(gas, *cost, {});

  // A price that fits in 64 bits bounds the lengths: base and modulus below 8 * sqrt(3 * 2^64)
  // bytes and the exponent below 3 * 2^64 / 8 + 32, so none of them, nor the offsets below,
  // overflows 64 bits, and what is allocated is what the caller paid for.
  const std::uint64_t b_len = base_len.low64();
  const std::uint64_t e_len = exp_len.low64();
  const std::uint64_t m_len = mod_len.low64();
  const Bytes base = read_padded(input, 96, b_len);
  const Bytes exponent = read_padded(input, 96 + b_len, e_len);
  const Bytes modulus = read_padded(input, 96 + b_len + e_len, m_len);
  return succeed(gas, *cost, crypto::modexp(base, exponent, modulus));
}

std::uint64_t load_le64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le64(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// 0x09: EIP-152's exactly 213 bytes: rounds (4, big-endian), h (8 x 8), m (16 x 8), t (2 x 8), all
// little-endian, then the final-block flag (1 byte, 0 or 1).
// 0x06-0x08: alt_bn128 (EIP-196/197) at EIP-1108's prices, charged before the input is looked
// at; a point off its curve or a coordinate not below the field prime is a failure.
constexpr std::uint64_t k_bn254_add_gas = 150;
constexpr std::uint64_t k_bn254_mul_gas = 6000;
constexpr std::uint64_t k_bn254_pairing_base_gas = 45000;
constexpr std::uint64_t k_bn254_pairing_pair_gas = 34000;

PrecompileResult bn254_add(ByteView input, std::uint64_t gas) {
  if (gas < k_bn254_add_gas) return out_of_gas();
  std::array<std::uint8_t, 128> in;
  read_padded(input, 0, in);
  auto sum = crypto::bn254::add(in);
  if (!sum) return failure();
  return succeed(gas, k_bn254_add_gas, Bytes(sum->bytes.begin(), sum->bytes.end()));
}

PrecompileResult bn254_mul(ByteView input, std::uint64_t gas) {
  if (gas < k_bn254_mul_gas) return out_of_gas();
  std::array<std::uint8_t, 96> in;
  read_padded(input, 0, in);
  auto product = crypto::bn254::mul(in);
  if (!product) return failure();
  return succeed(gas, k_bn254_mul_gas, Bytes(product->bytes.begin(), product->bytes.end()));
}

PrecompileResult bn254_pairing(ByteView input, std::uint64_t gas) {
  // The input is in memory, so the pair count is far too small for this to overflow.
  const std::uint64_t cost =
      k_bn254_pairing_base_gas + k_bn254_pairing_pair_gas * (input.size() / 192);
  if (gas < cost) return out_of_gas();
  if (input.size() % 192 != 0) return failure();
  auto one = crypto::bn254::pairing_check(input);
  if (!one) return failure();
  Bytes out(32, 0);
  out[31] = *one ? 1 : 0;
  return succeed(gas, cost, std::move(out));
}

PrecompileResult blake2f(ByteView input, std::uint64_t gas) {
  // The length is checked before gas is charged and the flag after, in the order of the
  // specification; it matters only to which of the two all-gas-consuming outcomes is reported.
  if (input.size() != k_blake2f_input_size) return failure();
  const std::uint32_t rounds = (std::uint32_t{input[0]} << 24) | (std::uint32_t{input[1]} << 16) |
                               (std::uint32_t{input[2]} << 8) | std::uint32_t{input[3]};
  const std::uint64_t cost = k_blake2f_round_gas * rounds;
  if (gas < cost) return out_of_gas();
  const std::uint8_t flag = input[212];
  if (flag > 1) return failure();

  std::array<std::uint64_t, 8> h;
  std::array<std::uint64_t, 16> m;
  std::array<std::uint64_t, 2> t;
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = load_le64(input.data() + 4 + 8 * i);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = load_le64(input.data() + 68 + 8 * i);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = load_le64(input.data() + 196 + 8 * i);
  crypto::blake2b_compress(rounds, h, m, t, flag == 1);

  Bytes out(64);
  for (std::size_t i = 0; i < h.size(); ++i) store_le64(out.data() + 8 * i, h[i]);
  return succeed(gas, cost, std::move(out));
}

// 0x0a: EIP-4844's point evaluation, exactly 192 bytes: versioned_hash, z, y (32 each), then the
// commitment and the proof (48 each, compressed G1 points). The versioned hash must name the
// commitment and the proof must show that the committed polynomial takes y at z; then the output is
// FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two words, the same for every successful call.
constexpr std::uint64_t k_point_evaluation_gas = 50000;
constexpr std::size_t k_point_evaluation_input_size = 192;

PrecompileResult point_evaluation(ByteView input, std::uint64_t gas) {
  // The length is checked before gas is charged, in the order of the specification; as for
  // blake2f, the order only decides which of the two all-gas-consuming outcomes is reported.
  if (input.size() != k_point_evaluation_input_size) return failure();
  if (gas < k_point_evaluation_gas) return out_of_gas();
  const auto versioned_hash = *Hash::from_view(input.subspan(0, 32));
  const auto z = *Hash::from_view(input.subspan(32, 32));
  const auto y = *Hash::from_view(input.subspan(64, 32));
  const auto commitment = *crypto::kzg::Bytes48::from_view(input.subspan(96, 48));
  const auto proof = *crypto::kzg::Bytes48::from_view(input.subspan(144, 48));
  if (crypto::kzg::kzg_to_versioned_hash(commitment) != versioned_hash) return failure();
  const auto valid = crypto::kzg::verify_kzg_proof(commitment, z, y, proof);
  if (!valid || !*valid) return failure();

  Bytes out(64, 0);
  const std::uint64_t n = crypto::kzg::k_field_elements_per_blob;
  for (int i = 0; i < 8; ++i) out[31 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  std::memcpy(out.data() + 32, crypto::kzg::k_bls_modulus.data(), 32);
  return succeed(gas, k_point_evaluation_gas, std::move(out));
}

}  // namespace

bool is_precompile(const Address& address) noexcept {
  for (std::size_t i = 0; i + 1 < Address::size(); ++i) {
    if (address.bytes[i] != 0) return false;
  }
  const std::uint8_t last = address.bytes[Address::size() - 1];
  return last >= 0x01 && last <= k_last_precompile;
}

PrecompileResult run_precompile(const Address& address, ByteView input, std::uint64_t gas) {
  ROLLUP_ASSERT(is_precompile(address));
  switch (address.bytes[Address::size() - 1]) {
    case 0x01: return ecrecover(input, gas);
    case 0x02: return sha256(input, gas);
    case 0x03: return ripemd160(input, gas);
    case 0x04: return identity(input, gas);
    case 0x05: return modexp(input, gas);
    case 0x06: return bn254_add(input, gas);
    case 0x07: return bn254_mul(input, gas);
    case 0x08: return bn254_pairing(input, gas);
    case 0x09: return blake2f(input, gas);
    case 0x0a: return point_evaluation(input, gas);
  }
  ROLLUP_ASSERT(false);  // is_precompile admits only the cases above
  return failure();
}

}  // namespace rollup::evm
