#pragma once
// Decimal numbers (docs/protocol.md, "Numbers"): value = mantissa x 10^exponent with the exponent
// as large as possible, shared by both section forms so that they agree on the one encoding.

#include <cstdint>
#include <utility>

#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/batch/errors.hpp"

namespace rollup::batch::detail {

constexpr unsigned k_max_exponent = 77;  // 10^77 < 2^256 < 10^78

struct Decimal {
  unsigned exponent = 0;
  uint256 mantissa;
};

inline Decimal split_number(const uint256& value) {
  Decimal d{0, value};
  if (value.is_zero()) return d;
  if (value.fits_u64()) {
    std::uint64_t m = value.w[0];
    while (m % 10 == 0) {
      m /= 10;
      ++d.exponent;
    }
    d.mantissa = m;
    return d;
  }
  for (;;) {
    const auto [q, r] = divmod(d.mantissa, uint256(10));
    if (!r.is_zero()) return d;
    d.mantissa = q;
    ++d.exponent;
  }
}

// Refuses every (exponent, mantissa) pair that split_number would not produce.
inline Result<uint256> join_number(unsigned e, const uint256& m) {
  if (m.is_zero()) {
    if (e != 0) return fail(Errc::non_canonical, "number: zero with an exponent");
    return m;
  }
  if (e > k_max_exponent) return fail(Errc::non_canonical, "number: exponent past 77");
  const bool divisible = m.fits_u64() ? m.w[0] % 10 == 0 : divmod(m, uint256(10)).rem.is_zero();
  if (divisible) return fail(Errc::non_canonical, "number: mantissa divisible by ten");
  // m * 10^e, checking for overflow at each step: 10^e alone fits, the product may not.
  uint256 v = m;
  for (unsigned i = 0; i < e; ++i) {
    if (v > uint256::max() / uint256(10)) return fail(Errc::inconsistent, "number above 2^256");
    v = v * uint256(10);
  }
  return v;
}

}  // namespace rollup::batch::detail
