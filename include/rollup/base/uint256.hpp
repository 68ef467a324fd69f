#pragma once
// 256-bit unsigned integer with the EVM's arithmetic. Four 64-bit limbs, least significant first.
// Operators follow the EVM rules, not C's: division or modulo by zero yields 0, every operation
// wraps modulo 2^256, and shifts by 256 or more yield 0. Signed operations (sdiv, smod, slt, sgt,
// sar, signextend) read the value as two's complement.

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"

namespace rollup {

struct uint256 {
  std::array<std::uint64_t, 4> w{};  // w[0] is the least significant limb

  constexpr uint256() noexcept = default;
  constexpr uint256(std::uint64_t v) noexcept : w{v, 0, 0, 0} {}  // NOLINT: implicit by design
  // From limbs, most significant first, as one would write the number.
  static constexpr uint256 from_words(std::uint64_t w3, std::uint64_t w2, std::uint64_t w1,
                                      std::uint64_t w0) noexcept {
    uint256 r;
    r.w = {w0, w1, w2, w3};
    return r;
  }
  static constexpr uint256 max() noexcept { return from_words(~0ULL, ~0ULL, ~0ULL, ~0ULL); }

  // Big-endian bytes, at most 32 (asserted); shorter input is a smaller number (left-padded).
  static uint256 from_be(ByteView bytes) noexcept;
  void to_be(std::span<std::uint8_t, 32> out) const noexcept;
  // The 32-byte big-endian word at p, and its inverse: the EVM's stack <-> memory moves.
  static uint256 from_be32(const std::uint8_t* p) noexcept;
  void to_be32(std::uint8_t* p) const noexcept;
  [[nodiscard]] std::array<std::uint8_t, 32> to_be() const noexcept;
  [[nodiscard]] Hash to_hash() const noexcept;  // the 32-byte big-endian word
  static uint256 from_hash(const Hash& h) noexcept { return from_be(h.view()); }
  // Minimal big-endian form: no leading zero bytes, empty for zero (the RLP integer form).
  [[nodiscard]] Bytes to_be_trimmed() const;

  [[nodiscard]] constexpr bool is_zero() const noexcept { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  constexpr explicit operator bool() const noexcept { return !is_zero(); }
  [[nodiscard]] constexpr bool fits_u64() const noexcept { return (w[1] | w[2] | w[3]) == 0; }
  [[nodiscard]] constexpr std::uint64_t low64() const noexcept { return w[0]; }
  [[nodiscard]] unsigned bit_width() const noexcept;  // 0 for zero
  [[nodiscard]] unsigned byte_length() const noexcept { return (bit_width() + 7) / 8; }

  friend constexpr bool operator==(const uint256&, const uint256&) noexcept = default;
  friend inline std::strong_ordering operator<=>(const uint256& a, const uint256& b) noexcept;

  friend inline uint256 operator+(const uint256& a, const uint256& b) noexcept;
  friend inline uint256 operator-(const uint256& a, const uint256& b) noexcept;
  friend inline uint256 operator*(const uint256& a, const uint256& b) noexcept;
  friend uint256 operator/(const uint256& a, const uint256& b) noexcept;  // x / 0 == 0
  friend uint256 operator%(const uint256& a, const uint256& b) noexcept;  // x % 0 == 0
  friend uint256 operator-(const uint256& a) noexcept;                    // two's complement
  friend inline uint256 operator~(const uint256& a) noexcept;
  friend inline uint256 operator&(const uint256& a, const uint256& b) noexcept;
  friend inline uint256 operator|(const uint256& a, const uint256& b) noexcept;
  friend inline uint256 operator^(const uint256& a, const uint256& b) noexcept;
  friend uint256 operator<<(const uint256& a, unsigned shift) noexcept;  // shift >= 256 -> 0
  friend uint256 operator>>(const uint256& a, unsigned shift) noexcept;  // shift >= 256 -> 0

  uint256& operator+=(const uint256& b) noexcept { return *this = *this + b; }
  uint256& operator-=(const uint256& b) noexcept { return *this = *this - b; }
  uint256& operator*=(const uint256& b) noexcept { return *this = *this * b; }
  uint256& operator/=(const uint256& b) noexcept { return *this = *this / b; }
  uint256& operator%=(const uint256& b) noexcept { return *this = *this % b; }
  uint256& operator&=(const uint256& b) noexcept { return *this = *this & b; }
  uint256& operator|=(const uint256& b) noexcept { return *this = *this | b; }
  uint256& operator^=(const uint256& b) noexcept { return *this = *this ^ b; }
  uint256& operator<<=(unsigned s) noexcept { return *this = *this << s; }
  uint256& operator>>=(unsigned s) noexcept { return *this = *this >> s; }
};

// The operators the EVM runs most, inline: a call per ADD or LT costs as much as the operation.
inline std::strong_ordering operator<=>(const uint256& a, const uint256& b) noexcept {
  // A full borrow chain instead of an early-exit limb loop: EVM operands are mostly small, so the
  // loop would usually run to the last limb anyway, with a mispredictable branch per limb.
  bool borrow = false;
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    std::uint64_t t;
    const bool b1 = __builtin_sub_overflow(a.w[i], b.w[i], &t);
    const bool b2 = __builtin_sub_overflow(t, static_cast<std::uint64_t>(borrow), &t);
    borrow = b1 || b2;
    diff |= t;
  }
  if (borrow) return std::strong_ordering::less;
  return diff != 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

inline uint256 operator+(const uint256& a, const uint256& b) noexcept {
  uint256 r;
  bool carry = false;
  for (std::size_t i = 0; i < 4; ++i) {
    std::uint64_t t;
    const bool c1 = __builtin_add_overflow(a.w[i], b.w[i], &t);
    const bool c2 = __builtin_add_overflow(t, static_cast<std::uint64_t>(carry), &r.w[i]);
    carry = c1 || c2;
  }
  return r;
}

inline uint256 operator-(const uint256& a, const uint256& b) noexcept {
  uint256 r;
  bool borrow = false;
  for (std::size_t i = 0; i < 4; ++i) {
    std::uint64_t t;
    const bool b1 = __builtin_sub_overflow(a.w[i], b.w[i], &t);
    const bool b2 = __builtin_sub_overflow(t, static_cast<std::uint64_t>(borrow), &r.w[i]);
    borrow = b1 || b2;
  }
  return r;
}

inline uint256 operator*(const uint256& a, const uint256& b) noexcept {
  // Only the partial products that land in the low four limbs matter when wrapping: 10 of 16.
  __extension__ using u128 = unsigned __int128;
  uint256 r;
  for (std::size_t i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; i + j < 4; ++j) {
      const u128 t = static_cast<u128>(a.w[i]) * b.w[j] + r.w[i + j] + carry;
      r.w[i + j] = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    }
  }
  return r;
}

inline uint256 operator~(const uint256& a) noexcept {
  return uint256::from_words(~a.w[3], ~a.w[2], ~a.w[1], ~a.w[0]);
}
inline uint256 operator&(const uint256& a, const uint256& b) noexcept {
  return uint256::from_words(a.w[3] & b.w[3], a.w[2] & b.w[2], a.w[1] & b.w[1], a.w[0] & b.w[0]);
}
inline uint256 operator|(const uint256& a, const uint256& b) noexcept {
  return uint256::from_words(a.w[3] | b.w[3], a.w[2] | b.w[2], a.w[1] | b.w[1], a.w[0] | b.w[0]);
}
inline uint256 operator^(const uint256& a, const uint256& b) noexcept {
  return uint256::from_words(a.w[3] ^ b.w[3], a.w[2] ^ b.w[2], a.w[1] ^ b.w[1], a.w[0] ^ b.w[0]);
}

static_assert(std::endian::native == std::endian::little,
              "from_be32/to_be32 swap bytes unconditionally; a big-endian port must not");

inline uint256 uint256::from_be32(const std::uint8_t* p) noexcept {
  // Written out limb by limb: the loop form is not unrolled at -O2, and PUSH runs this.
  std::uint64_t v[4];
  __builtin_memcpy(v, p, 32);
  return from_words(__builtin_bswap64(v[0]), __builtin_bswap64(v[1]), __builtin_bswap64(v[2]),
                    __builtin_bswap64(v[3]));
}

inline void uint256::to_be32(std::uint8_t* p) const noexcept {
  const std::uint64_t v[4] = {__builtin_bswap64(w[3]), __builtin_bswap64(w[2]),
                              __builtin_bswap64(w[1]), __builtin_bswap64(w[0])};
  __builtin_memcpy(p, v, 32);
}

struct DivMod {
  uint256 quot;
  uint256 rem;
};
DivMod divmod(const uint256& a, const uint256& b) noexcept;  // b == 0 -> {0, 0}

// EVM opcodes that are not plain operators.
uint256 sdiv(const uint256& a, const uint256& b) noexcept;  // -2^255 / -1 == -2^255; x / 0 == 0
uint256 smod(const uint256& a, const uint256& b) noexcept;  // sign of a; x % 0 == 0
uint256 addmod(const uint256& a, const uint256& b, const uint256& m) noexcept;  // m == 0 -> 0
uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) noexcept;  // m == 0 -> 0
uint256 exp(const uint256& base, const uint256& exponent) noexcept;
uint256 signextend(const uint256& byte_index, const uint256& x) noexcept;
uint256 shl(const uint256& shift, const uint256& x) noexcept;
uint256 shr(const uint256& shift, const uint256& x) noexcept;
uint256 sar(const uint256& shift, const uint256& x) noexcept;
uint256 byte(const uint256& index, const uint256& x) noexcept;  // index 0 = most significant byte
bool slt(const uint256& a, const uint256& b) noexcept;
bool sgt(const uint256& a, const uint256& b) noexcept;

// Overflow-checked helpers for gas and fee arithmetic: return true on overflow.
bool add_overflow(const uint256& a, const uint256& b, uint256& out) noexcept;
bool mul_overflow(const uint256& a, const uint256& b, uint256& out) noexcept;

std::string to_string(const uint256& v);                       // decimal
std::string to_hex_quantity(const uint256& v);                 // "0x0", "0x1f": JSON-RPC quantity
Result<uint256> uint256_from_quantity(std::string_view text);  // strict quantity grammar
Result<uint256> uint256_from_decimal(std::string_view text);   // digits only, < 2^256

}  // namespace rollup
