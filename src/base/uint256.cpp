#include "rollup/base/uint256.hpp"

#include <bit>
#include <charconv>
#include <cstring>

#include "rollup/base/assert.hpp"

namespace rollup {
namespace {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;

constexpr u64 lo64(u128 x) noexcept {
  return static_cast<u64>(x);
}
constexpr u64 hi64(u128 x) noexcept {
  return static_cast<u64>(x >> 64);
}

// Shifting right by (64 - s) is undefined for s == 0; splitting it into two shifts keeps the
// normalisation code free of a branch for the already-normalised case.
constexpr u64 carry_in_left(u64 lower, unsigned s) noexcept {
  return (lower >> 1) >> (63 - s);
}
constexpr u64 carry_in_right(u64 upper, unsigned s) noexcept {
  return (upper << 1) << (63 - s);
}

int significant_limbs(const u64* x, int n) noexcept {
  while (n > 0 && x[n - 1] == 0) --n;
  return n;
}

u64 load_be64(const std::uint8_t* p) noexcept {
  u64 v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) v = std::byteswap(v);
  return v;
}

void store_be64(std::uint8_t* p, u64 v) noexcept {
  if constexpr (std::endian::native == std::endian::little) v = std::byteswap(v);
  std::memcpy(p, &v, sizeof v);
}

// Division by an invariant normalised divisor (Möller & Granlund, "Improved division by invariant
// integers", 2011): one 128-bit division up front buys a multiply-based quotient per limb, which is
// several times cheaper than a hardware or libgcc 128-by-64 division in the inner loops.
u64 reciprocal(u64 d) noexcept {
  return lo64(((static_cast<u128>(~d) << 64) | ~u64{0}) / d);
}

struct LimbQR {
  u64 q;
  u64 r;
};

// Requires d normalised (top bit set) and u1 < d, so the quotient fits one limb.
LimbQR div_2by1(u64 u1, u64 u0, u64 d, u64 rec) noexcept {
  u128 q = static_cast<u128>(rec) * u1;
  q += (static_cast<u128>(u1) << 64) | u0;
  u64 q1 = hi64(q) + 1;
  const u64 q0 = lo64(q);
  u64 r = u0 - q1 * d;
  if (r > q0) {
    --q1;
    r += d;
  }
  if (r >= d) [[unlikely]] {
    ++q1;
    r -= d;
  }
  return {q1, r};
}

// u[0..n) / d with n >= 1 and d != 0; writes n quotient limbs, returns the remainder.
u64 div_by_limb(const u64* u, int n, u64 d, u64* q) noexcept {
  const auto s = static_cast<unsigned>(std::countl_zero(d));
  const u64 dn = d << s;
  const u64 rec = reciprocal(dn);
  // The normalised dividend is shifted on the fly rather than copied; its extra top limb is below
  // 2^s <= dn, which is exactly the precondition of the first 2-by-1 step.
  u64 r = carry_in_left(u[n - 1], s);
  for (int i = n - 1; i >= 0; --i) {
    const u64 cur = (u[i] << s) | (i > 0 ? carry_in_left(u[i - 1], s) : 0);
    const auto [qi, ri] = div_2by1(r, cur, dn, rec);
    q[i] = qi;
    r = ri;
  }
  return r >> s;
}

// Knuth, TAOCP vol. 2, 4.3.1, algorithm D. u has m limbs, v has n limbs with 2 <= n <= 4,
// m >= n, v[n-1] != 0 and m <= 8. Writes m-n+1 quotient limbs to q and n remainder limbs to r.
void div_knuth(const u64* u, int m, const u64* v, int n, u64* q, u64* r) noexcept {
  u64 un[9];
  u64 vn[4];
  const auto s = static_cast<unsigned>(std::countl_zero(v[n - 1]));
  for (int i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | carry_in_left(v[i - 1], s);
  vn[0] = v[0] << s;
  un[m] = carry_in_left(u[m - 1], s);
  for (int i = m - 1; i > 0; --i) un[i] = (u[i] << s) | carry_in_left(u[i - 1], s);
  un[0] = u[0] << s;

  const u64 d1 = vn[n - 1];
  const u64 d0 = vn[n - 2];
  const u64 rec = reciprocal(d1);

  for (int j = m - n; j >= 0; --j) {
    const u64 u2 = un[j + n];
    const u64 u1 = un[j + n - 1];
    const u64 u0 = un[j + n - 2];
    u64 qhat;
    u64 rhat;
    bool rhat_overflow;
    // The running remainder is below the divisor, so u2 <= d1; equality means the two-limb estimate
    // would be 2^64 or more and is clamped to 2^64 - 1, whose remainder u1 + d1 may exceed a limb.
    if (u2 >= d1) [[unlikely]] {
      qhat = ~u64{0};
      rhat_overflow = __builtin_add_overflow(u1, d1, &rhat);
    } else {
      const auto [qq, rr] = div_2by1(u2, u1, d1, rec);
      qhat = qq;
      rhat = rr;
      rhat_overflow = false;
    }
    // The second divisor limb makes qhat exact or one too large (Knuth's step D3); once rhat no
    // longer fits a limb the test can never succeed again.
    while (!rhat_overflow &&
           static_cast<u128>(qhat) * d0 > ((static_cast<u128>(rhat) << 64) | u0)) {
      --qhat;
      rhat_overflow = __builtin_add_overflow(rhat, d1, &rhat);
    }

    u64 borrow = 0;
    for (int i = 0; i < n; ++i) {
      // qhat * vn[i] + borrow <= 2^128 - 2^64, and when its high limb is at its maximum the low
      // limb is zero, so adding the subtraction borrow cannot overflow.
      const u128 p = static_cast<u128>(qhat) * vn[i] + borrow;
      const u64 t = un[i + j] - lo64(p);
      borrow = hi64(p) + (t > un[i + j]);
      un[i + j] = t;
    }
    const u64 top = un[j + n];
    un[j + n] = top - borrow;
    if (top < borrow) [[unlikely]] {
      // Probability about 2/2^64 per step, but reachable; add the divisor back once.
      --qhat;
      u64 carry = 0;
      for (int i = 0; i < n; ++i) {
        const u128 t = static_cast<u128>(un[i + j]) + vn[i] + carry;
        un[i + j] = lo64(t);
        carry = hi64(t);
      }
      un[j + n] += carry;
    }
    q[j] = qhat;
  }
  for (int i = 0; i < n; ++i) r[i] = (un[i] >> s) | carry_in_right(un[i + 1], s);
}

// u[0..m) mod d for any m <= 8 and d != 0.
uint256 mod_limbs(const u64* u, int m, const uint256& d) noexcept {
  uint256 r;
  const int n = significant_limbs(d.w.data(), 4);
  m = significant_limbs(u, m);
  if (m < n) {
    // Fewer limbs than the divisor means already reduced.
    for (int i = 0; i < m; ++i) r.w[static_cast<std::size_t>(i)] = u[i];
    return r;
  }
  u64 q[8];
  if (n == 1) {
    r.w[0] = div_by_limb(u, m, d.w[0], q);
  } else {
    div_knuth(u, m, d.w.data(), n, q, r.w.data());
  }
  return r;
}

// The full 512-bit product, for mulmod and overflow detection.
void mul_full(const uint256& a, const uint256& b, u64* p) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    u64 carry = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      // (2^64-1)^2 + 2 (2^64-1) == 2^128 - 1: the sum never overflows 128 bits.
      const u128 t = static_cast<u128>(a.w[i]) * b.w[j] + p[i + j] + carry;
      p[i + j] = lo64(t);
      carry = hi64(t);
    }
    p[i + 4] = carry;
  }
}

// Branch-free conditional two's complement negation: (x ^ mask) + 1 when negative.
uint256 negate_if(const uint256& x, bool negative) noexcept {
  const u64 mask = u64{0} - static_cast<u64>(negative);
  uint256 r;
  u64 carry = static_cast<u64>(negative);
  for (std::size_t i = 0; i < 4; ++i) {
    const u64 t = (x.w[i] ^ mask) + carry;
    carry = static_cast<u64>(t < carry);
    r.w[i] = t;
  }
  return r;
}

bool is_negative(const uint256& x) noexcept {
  return (x.w[3] >> 63) != 0;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = static_cast<char>(c | 0x20);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

constexpr char k_hex_alphabet[] = "0123456789abcdef";

}  // namespace

uint256 uint256::from_be(ByteView bytes) noexcept {
  ROLLUP_ASSERT(bytes.size() <= 32);
  std::array<std::uint8_t, 32> buf{};
  if (!bytes.empty()) std::memcpy(buf.data() + (32 - bytes.size()), bytes.data(), bytes.size());
  uint256 r;
  for (std::size_t i = 0; i < 4; ++i) r.w[3 - i] = load_be64(buf.data() + 8 * i);
  return r;
}

void uint256::to_be(std::span<std::uint8_t, 32> out) const noexcept {
  for (std::size_t i = 0; i < 4; ++i) store_be64(out.data() + 8 * i, w[3 - i]);
}

std::array<std::uint8_t, 32> uint256::to_be() const noexcept {
  std::array<std::uint8_t, 32> out;
  to_be(out);
  return out;
}

Hash uint256::to_hash() const noexcept {
  Hash h;
  to_be(h.bytes);
  return h;
}

Bytes uint256::to_be_trimmed() const {
  const auto be = to_be();
  const auto n = static_cast<std::ptrdiff_t>(byte_length());
  return Bytes(be.end() - n, be.end());
}

unsigned uint256::bit_width() const noexcept {
  for (std::size_t i = 4; i-- > 0;) {
    if (w[i] != 0) return static_cast<unsigned>(64 * i + std::bit_width(w[i]));
  }
  return 0;
}

DivMod divmod(const uint256& a, const uint256& b) noexcept {
  DivMod out;
  const int n = significant_limbs(b.w.data(), 4);
  if (n == 0) return out;
  if (n == 1) {
    if (a.fits_u64()) {
      out.quot.w[0] = a.w[0] / b.w[0];
      out.rem.w[0] = a.w[0] % b.w[0];
    } else {
      const int m = significant_limbs(a.w.data(), 4);
      out.rem.w[0] = div_by_limb(a.w.data(), m, b.w[0], out.quot.w.data());
    }
    return out;
  }
  if (a < b) {
    out.rem = a;
    return out;
  }
  const int m = significant_limbs(a.w.data(), 4);
  div_knuth(a.w.data(), m, b.w.data(), n, out.quot.w.data(), out.rem.w.data());
  return out;
}

uint256 operator/(const uint256& a, const uint256& b) noexcept {
  return divmod(a, b).quot;
}
uint256 operator%(const uint256& a, const uint256& b) noexcept {
  return divmod(a, b).rem;
}

uint256 operator-(const uint256& a) noexcept {
  return negate_if(a, true);
}

// Shifts read from a zero-padded window so that every limb offset and bit offset, including 0,
// takes the same straight-line path.
uint256 operator<<(const uint256& a, unsigned shift) noexcept {
  if (shift >= 256) return {};
  const unsigned bits = shift % 64;
  const u64 t[8] = {0, 0, 0, 0, a.w[0], a.w[1], a.w[2], a.w[3]};
  const u64* src = t + 4 - shift / 64;
  uint256 r;
  for (std::size_t i = 0; i < 4; ++i) {
    r.w[i] = (src[i] << bits) | carry_in_left(*(src + i - 1), bits);
  }
  return r;
}

uint256 operator>>(const uint256& a, unsigned shift) noexcept {
  if (shift >= 256) return {};
  const unsigned bits = shift % 64;
  const u64 t[8] = {a.w[0], a.w[1], a.w[2], a.w[3], 0, 0, 0, 0};
  const u64* src = t + shift / 64;
  uint256 r;
  for (std::size_t i = 0; i < 4; ++i) {
    r.w[i] = (src[i] >> bits) | carry_in_right(src[i + 1], bits);
  }
  return r;
}

uint256 sdiv(const uint256& a, const uint256& b) noexcept {
  const bool na = is_negative(a);
  const bool nb = is_negative(b);
  // -2^255 / -1 needs no special case: |-2^255| is 2^255 as an unsigned value, the quotient
  // 2^255 keeps its sign, and its bit pattern is -2^255 again, as the EVM requires.
  const uint256 q = negate_if(a, na) / negate_if(b, nb);
  return negate_if(q, na != nb);
}

uint256 smod(const uint256& a, const uint256& b) noexcept {
  const bool na = is_negative(a);
  const uint256 r = negate_if(a, na) % negate_if(b, is_negative(b));
  return negate_if(r, na);
}

uint256 addmod(const uint256& a, const uint256& b, const uint256& m) noexcept {
  if (m.is_zero()) return {};
  u64 s[5];
  bool carry = false;
  for (std::size_t i = 0; i < 4; ++i) {
    u64 t;
    const bool c1 = __builtin_add_overflow(a.w[i], b.w[i], &t);
    const bool c2 = __builtin_add_overflow(t, static_cast<u64>(carry), &s[i]);
    carry = c1 || c2;
  }
  s[4] = static_cast<u64>(carry);
  if (a < m && b < m) {
    // Reduced operands sum to below 2m, so one conditional subtraction replaces the division. The
    // 257th bit counts: with it set the true sum exceeds m even if the low 256 bits do not.
    uint256 r = uint256::from_words(s[3], s[2], s[1], s[0]);
    if (carry || r >= m) r -= m;
    return r;
  }
  return mod_limbs(s, 5, m);
}

uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) noexcept {
  if (m.is_zero()) return {};
  u64 p[8];
  mul_full(a, b, p);
  return mod_limbs(p, 8, m);
}

uint256 exp(const uint256& base, const uint256& exponent) noexcept {
  // Powers of two dominate real contracts (masks, 2**n scaling) and reduce to a shift.
  if (base == uint256{2}) {
    return exponent < uint256{256} ? uint256{1} << static_cast<unsigned>(exponent.w[0]) : uint256{};
  }
  uint256 result{1};
  uint256 power = base;
  const unsigned bits = exponent.bit_width();
  for (unsigned i = 0; i < bits; ++i) {
    if ((exponent.w[i / 64] >> (i % 64)) & 1) result *= power;
    if (i + 1 < bits) power *= power;
  }
  return result;
}

uint256 signextend(const uint256& byte_index, const uint256& x) noexcept {
  if (!byte_index.fits_u64() || byte_index.w[0] >= 31) return x;
  const auto sign_bit = static_cast<unsigned>(byte_index.w[0] * 8 + 7);
  const unsigned limb = sign_bit / 64;
  const unsigned off = sign_bit % 64;
  const u64 ext = u64{0} - ((x.w[limb] >> off) & 1);
  // Only the bits below the sign bit are kept; the sign bit itself already equals ext.
  const u64 keep = (u64{1} << off) - 1;
  uint256 r = x;
  r.w[limb] = (x.w[limb] & keep) | (ext & ~keep);
  for (unsigned i = limb + 1; i < 4; ++i) r.w[i] = ext;
  return r;
}

uint256 shl(const uint256& shift, const uint256& x) noexcept {
  if (!shift.fits_u64() || shift.w[0] >= 256) return {};
  return x << static_cast<unsigned>(shift.w[0]);
}

uint256 shr(const uint256& shift, const uint256& x) noexcept {
  if (!shift.fits_u64() || shift.w[0] >= 256) return {};
  return x >> static_cast<unsigned>(shift.w[0]);
}

uint256 sar(const uint256& shift, const uint256& x) noexcept {
  const u64 ext = u64{0} - (x.w[3] >> 63);
  if (!shift.fits_u64() || shift.w[0] >= 256) return uint256::from_words(ext, ext, ext, ext);
  const auto s = static_cast<unsigned>(shift.w[0]);
  const unsigned bits = s % 64;
  const u64 t[8] = {x.w[0], x.w[1], x.w[2], x.w[3], ext, ext, ext, ext};
  const u64* src = t + s / 64;
  uint256 r;
  for (std::size_t i = 0; i < 4; ++i) {
    r.w[i] = (src[i] >> bits) | carry_in_right(src[i + 1], bits);
  }
  return r;
}

uint256 byte(const uint256& index, const uint256& x) noexcept {
  if (!index.fits_u64() || index.w[0] >= 32) return {};
  const auto from_low = static_cast<unsigned>(31 - index.w[0]);
  return uint256{(x.w[from_low / 8] >> (8 * (from_low % 8))) & 0xff};
}

bool slt(const uint256& a, const uint256& b) noexcept {
  // Offsetting both by 2^255 maps two's complement order onto unsigned order.
  constexpr u64 k_sign = u64{1} << 63;
  uint256 sa = a;
  uint256 sb = b;
  sa.w[3] ^= k_sign;
  sb.w[3] ^= k_sign;
  return sa < sb;
}

bool sgt(const uint256& a, const uint256& b) noexcept {
  return slt(b, a);
}

bool add_overflow(const uint256& a, const uint256& b, uint256& out) noexcept {
  bool carry = false;
  for (std::size_t i = 0; i < 4; ++i) {
    u64 t;
    const bool c1 = __builtin_add_overflow(a.w[i], b.w[i], &t);
    const bool c2 = __builtin_add_overflow(t, static_cast<u64>(carry), &out.w[i]);
    carry = c1 || c2;
  }
  return carry;
}

bool mul_overflow(const uint256& a, const uint256& b, uint256& out) noexcept {
  u64 p[8];
  mul_full(a, b, p);
  out = uint256::from_words(p[3], p[2], p[1], p[0]);
  return (p[4] | p[5] | p[6] | p[7]) != 0;
}

std::string to_string(const uint256& v) {
  if (v.fits_u64()) return std::to_string(v.w[0]);
  // Peel off 19 decimal digits (the largest power of ten below 2^64) per single-limb division.
  constexpr u64 k_chunk = 10'000'000'000'000'000'000ULL;
  constexpr int k_chunk_digits = 19;
  u64 chunks[5];
  int count = 0;
  std::array<u64, 4> cur = v.w;
  int n = significant_limbs(cur.data(), 4);
  while (n > 0) {
    std::array<u64, 4> q{};
    chunks[count++] = div_by_limb(cur.data(), n, k_chunk, q.data());
    cur = q;
    n = significant_limbs(cur.data(), n);
  }
  char buf[5 * k_chunk_digits];
  char* end = buf + sizeof buf;
  char* p = end;
  for (int i = 0; i + 1 < count; ++i) {
    u64 c = chunks[i];
    for (int k = 0; k < k_chunk_digits; ++k) {
      *--p = static_cast<char>('0' + c % 10);
      c /= 10;
    }
  }
  for (u64 c = chunks[count - 1]; c != 0; c /= 10) *--p = static_cast<char>('0' + c % 10);
  return std::string(p, end);
}

std::string to_hex_quantity(const uint256& v) {
  const unsigned nibbles = v.is_zero() ? 1 : (v.bit_width() + 3) / 4;
  std::string out(2 + nibbles, '0');
  out[1] = 'x';
  for (unsigned k = 0; k < nibbles; ++k) {
    out[out.size() - 1 - k] = k_hex_alphabet[(v.w[k / 16] >> (4 * (k % 16))) & 0xf];
  }
  return out;
}

Result<uint256> uint256_from_quantity(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return fail(Errc::hex_missing_prefix);
  }
  const std::string_view digits = text.substr(2);
  const std::size_t n = digits.size();
  if (n == 0) return fail(Errc::hex_empty_quantity);
  if (n > 1 && digits[0] == '0') return fail(Errc::hex_leading_zero);
  if (n > 64) return fail(Errc::overflow, "quantity exceeds 256 bits");
  uint256 v;
  for (std::size_t i = 0; i < n; ++i) {
    const int d = hex_digit(digits[i]);
    if (d < 0) return fail(Errc::hex_invalid_digit, "at position " + std::to_string(i + 2));
    const std::size_t k = n - 1 - i;  // nibble index from the least significant end
    v.w[k / 16] |= static_cast<u64>(d) << (4 * (k % 16));
  }
  return v;
}

Result<uint256> uint256_from_decimal(std::string_view text) {
  if (text.empty()) return fail(Errc::hex_empty_quantity, "empty decimal number");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return fail(Errc::hex_invalid_digit, "not a decimal digit at position " + std::to_string(i));
    }
  }
  // Accumulate 19 digits per multiply-add; the first chunk takes the remainder so that every later
  // one is full. Leading zeros are legal, so the length alone cannot reject a value.
  constexpr int k_chunk_digits = 19;
  uint256 v;
  std::size_t pos = 0;
  std::size_t len = text.size() % k_chunk_digits;
  if (len == 0) len = k_chunk_digits;
  while (pos < text.size()) {
    u64 chunk = 0;
    u64 scale = 1;
    for (std::size_t k = 0; k < len; ++k) {
      chunk = chunk * 10 + static_cast<u64>(text[pos + k] - '0');
      scale *= 10;
    }
    u64 carry = chunk;
    for (std::size_t i = 0; i < 4; ++i) {
      const u128 t = static_cast<u128>(v.w[i]) * scale + carry;
      v.w[i] = lo64(t);
      carry = hi64(t);
    }
    if (carry != 0) return fail(Errc::overflow, "decimal number exceeds 256 bits");
    pos += len;
    len = k_chunk_digits;
  }
  return v;
}

}  // namespace rollup
