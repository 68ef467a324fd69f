#include "rollup/crypto/modexp.hpp"

#include <openssl/bn.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "rollup/base/assert.hpp"

namespace rollup::crypto {
namespace {

// OpenSSL refuses a BIGNUM longer than INT_MAX / 4 bits (64 MiB), but EIP-198's zero padding lets
// a few bytes of call data declare an exponent longer than that for about 180M gas. Exponents are
// therefore fed to OpenSSL in parts of at most this many bytes.
constexpr std::size_t k_max_part = std::size_t{16} << 20;

// The significant bytes of a big-endian number: without leading zeros, empty for zero. Deciding
// the special cases on these keeps OpenSSL away from them and keeps its int byte counts small.
ByteView significant(ByteView v) noexcept {
  std::size_t i = 0;
  while (i < v.size() && v[i] == 0) ++i;
  return v.subspan(i);
}

struct CtxFree {
  void operator()(BN_CTX* ctx) const noexcept { BN_CTX_free(ctx); }
};

BIGNUM* new_bn(BN_CTX* ctx) noexcept {
  BIGNUM* bn = BN_CTX_get(ctx);
  ROLLUP_ASSERT(bn != nullptr);  // out of memory
  return bn;
}

// Fails (asserted) only beyond OpenSSL's limit of about 64 MiB, which callers keep far below.
void set_bn(BIGNUM* bn, ByteView v) noexcept {
  ROLLUP_ASSERT(v.size() < static_cast<std::size_t>(INT_MAX));
  ROLLUP_ASSERT(BN_bin2bn(v.data(), static_cast<int>(v.size()), bn) != nullptr);
}

// r = r^(2^bits) mod m: `bits` squarings, as exponentiations by powers of two that each stay a
// BIGNUM OpenSSL accepts. 0 and 1 are fixed points, which ends a long run of squarings early.
void raise_to_power_of_two(BIGNUM* r, std::uint64_t bits, const BIGNUM* m, std::size_t max_part,
                           BN_CTX* ctx) noexcept {
  BN_CTX_start(ctx);
  BIGNUM* power = new_bn(ctx);
  BIGNUM* tmp = new_bn(ctx);
  const std::uint64_t max_step = 8 * std::uint64_t{max_part};
  while (bits > 0 && !BN_is_zero(r) && !BN_is_one(r)) {
    const std::uint64_t step = std::min(bits, max_step);
    BN_zero(power);
    ROLLUP_ASSERT(BN_set_bit(power, static_cast<int>(step)) == 1);
    ROLLUP_ASSERT(BN_mod_exp(tmp, r, power, m, ctx) == 1);
    ROLLUP_ASSERT(BN_copy(r, tmp) != nullptr);
    bits -= step;
  }
  BN_CTX_end(ctx);
}

}  // namespace

namespace detail {

Bytes modexp_in_parts(ByteView base, ByteView exponent, ByteView modulus, std::size_t max_part) {
  ROLLUP_ASSERT(max_part >= 1 && max_part <= k_max_part);
  Bytes out(modulus.size(), 0);
  const ByteView m = significant(modulus);
  // Modulus 0 is defined as an all-zero result, and everything is 0 mod 1.
  if (m.empty() || (m.size() == 1 && m[0] == 1)) return out;
  const ByteView e = significant(exponent);
  if (e.empty()) {  // x^0 = 1 for every x, 0 included, and 1 < modulus here
    out.back() = 1;
    return out;
  }
  const ByteView b = significant(base);
  if (b.empty()) return out;  // 0^e = 0 for e > 0
  // The modulus and base become BIGNUMs whole: the precompile's price keeps them to kilobytes.

  // exponent = core * 256^zeros, where the core ends in a nonzero byte. Padding puts any huge run
  // of zeros at the end, where it costs squarings only.
  std::size_t core_len = e.size();
  while (e[core_len - 1] == 0) --core_len;
  const ByteView core = e.first(core_len);
  const std::uint64_t zero_bits = 8 * std::uint64_t{e.size() - core_len};

  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  ROLLUP_ASSERT(ctx != nullptr);
  BN_CTX_start(ctx.get());
  BIGNUM* bn_base = new_bn(ctx.get());
  BIGNUM* bn_mod = new_bn(ctx.get());
  BIGNUM* part = new_bn(ctx.get());
  BIGNUM* result = new_bn(ctx.get());
  BIGNUM* tmp = new_bn(ctx.get());
  set_bn(bn_base, b);
  set_bn(bn_mod, m);

  // result = base^core, left to right a part at a time: result = result^(256^len) * base^part.
  // BN_mod_exp picks Montgomery for odd moduli and reciprocal reduction for even ones, and reduces
  // a base that is not below the modulus first. Any realistic core is a single part.
  for (std::size_t offset = 0; offset < core.size(); offset += max_part) {
    const ByteView bytes = core.subspan(offset, std::min(max_part, core.size() - offset));
    set_bn(part, bytes);
    if (offset == 0) {
      ROLLUP_ASSERT(BN_mod_exp(result, bn_base, part, bn_mod, ctx.get()) == 1);
      continue;
    }
    raise_to_power_of_two(result, 8 * std::uint64_t{bytes.size()}, bn_mod, max_part, ctx.get());
    ROLLUP_ASSERT(BN_mod_exp(tmp, bn_base, part, bn_mod, ctx.get()) == 1);
    ROLLUP_ASSERT(BN_mod_mul(result, result, tmp, bn_mod, ctx.get()) == 1);
  }
  raise_to_power_of_two(result, zero_bits, bn_mod, max_part, ctx.get());

  // result < modulus, so it fits in the modulus's significant bytes; the zeros before them stay.
  const int width = static_cast<int>(m.size());
  ROLLUP_ASSERT(BN_bn2binpad(result, out.data() + (out.size() - m.size()), width) == width);
  BN_CTX_end(ctx.get());
  return out;
}

}  // namespace detail

Bytes modexp(ByteView base, ByteView exponent, ByteView modulus) {
  return detail::modexp_in_parts(base, exponent, modulus, k_max_part);
}

}  // namespace rollup::crypto
