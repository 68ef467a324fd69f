// Differential tests of rollup::uint256 against Boost.Multiprecision, plus hand-written edge
// cases. Every expected value comes from Boost (or is written out literally); the code under test
// is never its own oracle. Signed references go through int512_t, with the two's complement
// reading done here rather than borrowed from the implementation.

#include "rollup/base/uint256.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace rollup {
// Printed as raw limbs so that a failure report never depends on the formatting under test.
void PrintTo(const uint256& v, std::ostream* os) {
  std::ostringstream s;
  s << std::hex << "[" << v.w[3] << " " << v.w[2] << " " << v.w[1] << " " << v.w[0] << "]";
  *os << s.str();
}
}  // namespace rollup

namespace {

using rollup::uint256;
namespace mp = boost::multiprecision;
using B256 = mp::uint256_t;
using B512 = mp::uint512_t;
using S512 = mp::int512_t;
using u64 = std::uint64_t;

constexpr int k_cases = 100'000;

const B256 k_mask64 = B256(~u64{0});
const B512 k_mask256 = (B512(1) << 256) - 1;

B256 to_boost(const uint256& v) {
  B256 r = 0;
  for (int i = 3; i >= 0; --i) r = (r << 64) | B256(v.w[static_cast<std::size_t>(i)]);
  return r;
}

uint256 from_boost(const B256& b) {
  uint256 r;
  for (std::size_t i = 0; i < 4; ++i) r.w[i] = ((b >> (64 * i)) & k_mask64).convert_to<u64>();
  return r;
}

const S512 k_two256 = S512(1) << 256;

S512 to_signed(const B256& a) {
  S512 s(a);
  if (mp::bit_test(a, 255)) s -= k_two256;
  return s;
}

B256 from_signed(S512 s) {
  s %= k_two256;
  if (s < 0) s += k_two256;
  return B256(s);
}

std::string show(const B256& v) { return "0x" + v.str(0, std::ios_base::hex); }

// The edge set: zero, one, two, and values on either side of every limb and sign boundary.
std::vector<B256> edge_values() {
  const B256 one = 1;
  const B256 max = ~B256(0);
  return {B256(0),          B256(1),    B256(2),          B256(~u64{0}), one << 64, one << 128,
          (one << 255) - 1, one << 255, (one << 255) + 1, max - 1,       max};
}

class Gen {
 public:
  explicit Gen(u64 seed) : m_rng(seed), m_edges(edge_values()) {}

  u64 next() { return m_rng(); }
  u64 below(u64 n) { return m_rng() % n; }

  B256 full() {
    B256 r = 0;
    for (int i = 0; i < 4; ++i) r = (r << 64) | B256(m_rng());
    return r;
  }

  // Exactly `bits` significant bits: the top one is set.
  B256 with_bits(unsigned bits) {
    if (bits == 0) return 0;
    return (full() >> (256 - bits)) | (B256(1) << (bits - 1));
  }

  const B256& edge() { return m_edges[below(m_edges.size())]; }

  B256 value() {
    switch (below(10)) {
      case 0:
      case 1:
      case 2: return full();
      case 3:
      case 4: return with_bits(static_cast<unsigned>(below(257)));
      case 5: {
        // Whole limbs, some of them zero or all ones: exercises carries and limb-count paths.
        B256 r = 0;
        const auto limbs = below(5);
        for (u64 i = 0; i < limbs; ++i) {
          const auto kind = below(4);
          const u64 limb = kind == 0 ? 0 : kind == 1 ? ~u64{0} : m_rng();
          r = (r << 64) | B256(limb);
        }
        return r;
      }
      case 6: return edge();
      case 7: {
        const B256 delta = below(5);
        return below(2) != 0 ? edge() + delta : edge() - delta;
      }
      case 8: {
        B256 r = 0;
        const auto n = below(6);
        for (u64 i = 0; i < n; ++i) mp::bit_set(r, static_cast<unsigned>(below(256)));
        return below(2) != 0 ? r : ~r;
      }
      default: return with_bits(static_cast<unsigned>(below(65)));
    }
  }

  // A second operand that stands in an interesting relation to the first: equal, just below,
  // just above, the same width, or a much narrower one.
  B256 related(const B256& a) {
    const unsigned width = a == 0 ? 0 : mp::msb(a) + 1;
    switch (below(7)) {
      case 0: return a;
      case 1: return a - B256(below(1000) + 1);
      case 2: return a + B256(below(1000) + 1);
      case 3: return with_bits(width);
      case 4: return a >> static_cast<unsigned>(below(256));
      case 5: return with_bits(static_cast<unsigned>(below(width + 1)));
      default: return with_bits(width > 64 ? width - static_cast<unsigned>(below(65)) : width);
    }
  }

  std::pair<B256, B256> pair() {
    B256 a = value();
    B256 b = below(3) == 0 ? related(a) : value();
    if (below(2) != 0) std::swap(a, b);
    return {a, b};
  }

  // Shift amounts, byte indices and sign-extension positions: mostly small, sometimes huge, and
  // sometimes small in the low limb with upper limbs set, which must not be mistaken for small.
  B256 small_or_huge(unsigned small_range) {
    switch (below(8)) {
      case 0:
      case 1:
      case 2:
      case 3: return below(small_range + 1);
      case 4: return full();
      case 5: return (B256(m_rng() | 1) << (64 * (1 + below(3)))) | B256(below(small_range + 1));
      case 6: {
        const std::array<u64, 6> big = {u64{1} << 32, (u64{1} << 32) + 1, u64{1} << 63,
                                        ~u64{0}, 0xffffffffULL, 256 + m_rng() % 100000};
        return big[below(big.size())];
      }
      default: return edge();
    }
  }

 private:
  std::mt19937_64 m_rng;
  std::vector<B256> m_edges;
};

// Runs `check` on every pair from the edge set, then on k_cases random pairs; stops at the first
// fatal failure so that one bug does not flood the output.
template <typename Check>
void for_pairs(u64 seed, Check&& check) {
  const auto edges = edge_values();
  for (const auto& a : edges) {
    for (const auto& b : edges) {
      check(a, b);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  Gen g(seed);
  for (int i = 0; i < k_cases; ++i) {
    const auto [a, b] = g.pair();
    check(a, b);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

template <typename Check>
void for_values(u64 seed, Check&& check) {
  for (const auto& a : edge_values()) {
    check(a);
    if (::testing::Test::HasFatalFailure()) return;
  }
  Gen g(seed);
  for (int i = 0; i < k_cases; ++i) {
    check(g.value());
    if (::testing::Test::HasFatalFailure()) return;
  }
}

std::string ctx(const B256& a, const B256& b) { return "a=" + show(a) + " b=" + show(b); }

// ---------------------------------------------------------------------------------------------
// Differential tests

// The converters are the bridge every differential test relies on; pin them to literal limbs.
TEST(Uint256Diff, ConvertersAgreeWithLiterals) {
  const B256 b = (B256(0x1122334455667788ULL) << 192) | (B256(0x99ULL) << 128) | B256(7);
  const uint256 x = uint256::from_words(0x1122334455667788ULL, 0x99ULL, 0, 7);
  EXPECT_EQ(x.w[3], 0x1122334455667788ULL);
  EXPECT_EQ(x.w[0], 7U);
  EXPECT_EQ(from_boost(b), x);
  EXPECT_EQ(to_boost(x), b);
  EXPECT_EQ(from_signed(S512(-1)), ~B256(0));
  EXPECT_EQ(to_signed(~B256(0)), S512(-1));
  EXPECT_EQ(to_signed(B256(1) << 255), -(S512(1) << 255));
}

TEST(Uint256Diff, Add) {
  for_pairs(1, [](const B256& a, const B256& b) {
    ASSERT_EQ(from_boost(a) + from_boost(b), from_boost(a + b)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Sub) {
  for_pairs(2, [](const B256& a, const B256& b) {
    ASSERT_EQ(from_boost(a) - from_boost(b), from_boost(a - b)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Mul) {
  for_pairs(3, [](const B256& a, const B256& b) {
    ASSERT_EQ(from_boost(a) * from_boost(b), from_boost(a * b)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Div) {
  for_pairs(4, [](const B256& a, const B256& b) {
    const B256 want = b == 0 ? B256(0) : B256(a / b);
    ASSERT_EQ(from_boost(a) / from_boost(b), from_boost(want)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Mod) {
  for_pairs(5, [](const B256& a, const B256& b) {
    const B256 want = b == 0 ? B256(0) : B256(a % b);
    ASSERT_EQ(from_boost(a) % from_boost(b), from_boost(want)) << ctx(a, b);
  });
}

TEST(Uint256Diff, DivMod) {
  for_pairs(6, [](const B256& a, const B256& b) {
    const auto got = rollup::divmod(from_boost(a), from_boost(b));
    ASSERT_EQ(got.quot, from_boost(b == 0 ? B256(0) : B256(a / b))) << ctx(a, b);
    ASSERT_EQ(got.rem, from_boost(b == 0 ? B256(0) : B256(a % b))) << ctx(a, b);
  });
}

TEST(Uint256Diff, Sdiv) {
  for_pairs(7, [](const B256& a, const B256& b) {
    // int512_t division truncates toward zero, as the EVM does; -2^255 / -1 = 2^255 wraps back.
    const B256 want = b == 0 ? B256(0) : from_signed(to_signed(a) / to_signed(b));
    ASSERT_EQ(rollup::sdiv(from_boost(a), from_boost(b)), from_boost(want)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Smod) {
  for_pairs(8, [](const B256& a, const B256& b) {
    // The remainder of a truncating division carries the sign of the dividend.
    const B256 want = b == 0 ? B256(0) : from_signed(to_signed(a) % to_signed(b));
    ASSERT_EQ(rollup::smod(from_boost(a), from_boost(b)), from_boost(want)) << ctx(a, b);
  });
}

// Moduli for addmod/mulmod: mixed like any operand, plus zero, tiny and single-limb ones.
B256 modulus(Gen& g) {
  switch (g.below(6)) {
    case 0: return g.below(4);
    case 1: return g.with_bits(static_cast<unsigned>(g.below(65)));
    default: return g.value();
  }
}

// addmod and mulmod: every edge triple, then k_cases random (a, b, m) with m sometimes close to a.
template <typename Check>
void run_modular_cases(const Check& check, std::uint64_t seed) {
  const auto edges = edge_values();
  for (const auto& a : edges) {
    for (const auto& b : edges) {
      for (const auto& m : edges) {
        check(a, b, m);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
  Gen g(seed);
  for (int i = 0; i < k_cases; ++i) {
    const auto [a, b] = g.pair();
    const B256 m = g.below(4) == 0 ? g.related(a) : modulus(g);
    check(a, b, m);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(Uint256Diff, AddMod) {
  auto check = [](const B256& a, const B256& b, const B256& m) {
    const B256 want = m == 0 ? B256(0) : B256((B512(a) + B512(b)) % B512(m));
    ASSERT_EQ(rollup::addmod(from_boost(a), from_boost(b), from_boost(m)), from_boost(want))
        << ctx(a, b) << " m=" << show(m);
  };
  run_modular_cases(check, 9);
}

TEST(Uint256Diff, MulMod) {
  auto check = [](const B256& a, const B256& b, const B256& m) {
    const B256 want = m == 0 ? B256(0) : B256((B512(a) * B512(b)) % B512(m));
    ASSERT_EQ(rollup::mulmod(from_boost(a), from_boost(b), from_boost(m)), from_boost(want))
        << ctx(a, b) << " m=" << show(m);
  };
  run_modular_cases(check, 10);
}

// Left-to-right square-and-multiply in Boost's wrapping 256-bit arithmetic (the implementation
// goes right to left), or Boost's own pow when the exponent is small.
B256 boost_exp(const B256& base, const B256& e) {
  if (e <= 64) return mp::pow(base, e.convert_to<unsigned>());
  B256 r = 1;
  for (int i = static_cast<int>(mp::msb(e)); i >= 0; --i) {
    r *= r;
    if (mp::bit_test(e, static_cast<unsigned>(i))) r *= base;
  }
  return r;
}

TEST(Uint256Diff, Exp) {
  for_pairs(11, [](const B256& a, const B256& b) {
    ASSERT_EQ(rollup::exp(from_boost(a), from_boost(b)), from_boost(boost_exp(a, b))) << ctx(a, b);
  });
  Gen g(12);
  for (int i = 0; i < k_cases / 4; ++i) {
    // Small bases with small exponents give results that neither wrap nor vanish.
    const B256 a = g.below(20);
    const B256 b = g.small_or_huge(300);
    ASSERT_EQ(rollup::exp(from_boost(a), from_boost(b)), from_boost(boost_exp(a, b))) << ctx(a, b);
  }
}

TEST(Uint256Diff, SignExtend) {
  auto check = [](const B256& i, const B256& x) {
    B256 want = x;
    if (i < 31) {
      const unsigned bits = 8 * (i.convert_to<unsigned>() + 1);
      S512 v(x & ((B256(1) << bits) - 1));
      if (v >= (S512(1) << (bits - 1))) v -= S512(1) << bits;
      want = from_signed(v);
    }
    ASSERT_EQ(rollup::signextend(from_boost(i), from_boost(x)), from_boost(want)) << ctx(i, x);
  };
  for_pairs(13, check);
  Gen g(14);
  for (int k = 0; k < k_cases; ++k) {
    check(g.small_or_huge(40), g.value());
    if (HasFatalFailure()) return;
  }
}

// Every shift amount 0..300 against every edge value, then random amounts and values.
template <typename Check>
void for_shifts(u64 seed, Check&& check) {
  for (unsigned s = 0; s <= 300; ++s) {
    for (const auto& x : edge_values()) {
      check(B256(s), x);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  Gen g(seed);
  for (int k = 0; k < k_cases; ++k) {
    check(g.small_or_huge(300), g.value());
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(Uint256Diff, Shl) {
  for_shifts(15, [](const B256& s, const B256& x) {
    const B256 want = s >= 256 ? B256(0) : B256(x << s.convert_to<unsigned>());
    ASSERT_EQ(rollup::shl(from_boost(s), from_boost(x)), from_boost(want)) << ctx(s, x);
    if (s < 256) {
      ASSERT_EQ(from_boost(x) << s.convert_to<unsigned>(), from_boost(want)) << ctx(s, x);
    } else if (s <= 300) {
      ASSERT_EQ(from_boost(x) << s.convert_to<unsigned>(), uint256{}) << ctx(s, x);
    }
  });
}

TEST(Uint256Diff, Shr) {
  for_shifts(16, [](const B256& s, const B256& x) {
    const B256 want = s >= 256 ? B256(0) : B256(x >> s.convert_to<unsigned>());
    ASSERT_EQ(rollup::shr(from_boost(s), from_boost(x)), from_boost(want)) << ctx(s, x);
    if (s < 256) {
      ASSERT_EQ(from_boost(x) >> s.convert_to<unsigned>(), from_boost(want)) << ctx(s, x);
    } else if (s <= 300) {
      ASSERT_EQ(from_boost(x) >> s.convert_to<unsigned>(), uint256{}) << ctx(s, x);
    }
  });
}

TEST(Uint256Diff, Sar) {
  for_shifts(17, [](const B256& s, const B256& x) {
    // Floor division by 2^s on the signed value: for negative x, -1 - x is non-negative and
    // floor(x / 2^s) = -1 - floor((-1 - x) / 2^s).
    const S512 v = to_signed(x);
    const unsigned sh = s >= 256 ? 256 : s.convert_to<unsigned>();
    const S512 q = v >= 0 ? S512(v >> sh) : S512(-1 - ((-1 - v) >> sh));
    ASSERT_EQ(rollup::sar(from_boost(s), from_boost(x)), from_boost(from_signed(q))) << ctx(s, x);
  });
}

TEST(Uint256Diff, Byte) {
  auto check = [](const B256& i, const B256& x) {
    const B256 want = i >= 32 ? B256(0) : B256((x >> (8 * (31 - i.convert_to<unsigned>()))) & 0xff);
    ASSERT_EQ(rollup::byte(from_boost(i), from_boost(x)), from_boost(want)) << ctx(i, x);
  };
  for (unsigned i = 0; i <= 40; ++i) {
    for (const auto& x : edge_values()) {
      check(B256(i), x);
      if (HasFatalFailure()) return;
    }
  }
  Gen g(18);
  for (int k = 0; k < k_cases; ++k) {
    check(g.small_or_huge(40), g.value());
    if (HasFatalFailure()) return;
  }
}

TEST(Uint256Diff, Compare) {
  for_pairs(19, [](const B256& a, const B256& b) {
    const uint256 x = from_boost(a);
    const uint256 y = from_boost(b);
    const auto want = a < b ? std::strong_ordering::less
                      : a > b ? std::strong_ordering::greater
                              : std::strong_ordering::equal;
    ASSERT_TRUE((x <=> y) == want) << ctx(a, b);
    ASSERT_EQ(x < y, a < b) << ctx(a, b);
    ASSERT_EQ(x > y, a > b) << ctx(a, b);
    ASSERT_EQ(x <= y, a <= b) << ctx(a, b);
    ASSERT_EQ(x >= y, a >= b) << ctx(a, b);
    ASSERT_EQ(x == y, a == b) << ctx(a, b);
    ASSERT_EQ(x != y, a != b) << ctx(a, b);
  });
}

TEST(Uint256Diff, Slt) {
  for_pairs(20, [](const B256& a, const B256& b) {
    ASSERT_EQ(rollup::slt(from_boost(a), from_boost(b)), to_signed(a) < to_signed(b)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Sgt) {
  for_pairs(21, [](const B256& a, const B256& b) {
    ASSERT_EQ(rollup::sgt(from_boost(a), from_boost(b)), to_signed(a) > to_signed(b)) << ctx(a, b);
  });
}

TEST(Uint256Diff, Bitwise) {
  for_pairs(22, [](const B256& a, const B256& b) {
    const uint256 x = from_boost(a);
    const uint256 y = from_boost(b);
    ASSERT_EQ(x & y, from_boost(a & b)) << ctx(a, b);
    ASSERT_EQ(x | y, from_boost(a | b)) << ctx(a, b);
    ASSERT_EQ(x ^ y, from_boost(a ^ b)) << ctx(a, b);
    ASSERT_EQ(~x, from_boost(~a)) << ctx(a, b);
  });
}

TEST(Uint256Diff, NegateAndBitWidth) {
  for_values(23, [](const B256& a) {
    const uint256 x = from_boost(a);
    ASSERT_EQ(-x, from_boost(B256(0) - a)) << show(a);
    ASSERT_EQ(x.bit_width(), a == 0 ? 0U : mp::msb(a) + 1) << show(a);
    ASSERT_EQ(x.is_zero(), a == 0) << show(a);
    ASSERT_EQ(x.fits_u64(), a <= k_mask64) << show(a);
  });
}

TEST(Uint256Diff, OverflowHelpers) {
  for_pairs(24, [](const B256& a, const B256& b) {
    uint256 out;
    const B512 sum = B512(a) + B512(b);
    ASSERT_EQ(rollup::add_overflow(from_boost(a), from_boost(b), out), sum >> 256 != 0)
        << ctx(a, b);
    ASSERT_EQ(out, from_boost(B256(sum & k_mask256))) << ctx(a, b);
    const B512 prod = B512(a) * B512(b);
    ASSERT_EQ(rollup::mul_overflow(from_boost(a), from_boost(b), out), prod >> 256 != 0)
        << ctx(a, b);
    ASSERT_EQ(out, from_boost(B256(prod & k_mask256))) << ctx(a, b);
  });
}

std::vector<std::uint8_t> boost_be(const B256& a) {
  std::vector<std::uint8_t> bytes;
  mp::export_bits(a, std::back_inserter(bytes), 8, true);
  // Boost emits a single zero byte for zero; the trimmed form has none.
  if (a == 0) bytes.clear();
  return bytes;
}

TEST(Uint256Diff, BigEndian) {
  for_values(25, [](const B256& a) {
    const uint256 x = from_boost(a);
    const auto trimmed = boost_be(a);
    std::array<std::uint8_t, 32> padded{};
    std::copy(trimmed.begin(), trimmed.end(), padded.end() - static_cast<long>(trimmed.size()));
    ASSERT_EQ(x.to_be(), padded) << show(a);
    ASSERT_EQ(x.to_hash().bytes, padded) << show(a);
    ASSERT_EQ(x.to_be_trimmed(), trimmed) << show(a);
    ASSERT_EQ(x.byte_length(), trimmed.size()) << show(a);
    ASSERT_EQ(uint256::from_be(padded), x) << show(a);
    ASSERT_EQ(uint256::from_be(trimmed), x) << show(a);
    ASSERT_EQ(uint256::from_hash(x.to_hash()), x) << show(a);
  });
  // Arbitrary byte strings of every length up to 32, including leading zero bytes.
  std::mt19937_64 rng(26);
  for (int k = 0; k < k_cases; ++k) {
    std::vector<std::uint8_t> bytes(rng() % 33);
    for (auto& b : bytes) b = rng() % 4 == 0 ? 0 : static_cast<std::uint8_t>(rng());
    B256 want = 0;
    if (!bytes.empty()) mp::import_bits(want, bytes.begin(), bytes.end(), 8, true);
    ASSERT_EQ(uint256::from_be(bytes), from_boost(want)) << "size " << bytes.size();
  }
}

TEST(Uint256Diff, ToString) {
  for_values(27, [](const B256& a) { ASSERT_EQ(rollup::to_string(from_boost(a)), a.str()); });
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(Uint256Diff, HexQuantityRoundTrip) {
  Gen noise(28);
  for_values(29, [&noise](const B256& a) {
    const uint256 x = from_boost(a);
    const std::string digits = a.str(0, std::ios_base::hex | std::ios_base::uppercase);
    const std::string want = "0x" + lower(digits);
    ASSERT_EQ(rollup::to_hex_quantity(x), want);
    auto parsed = rollup::uint256_from_quantity(want);
    ASSERT_TRUE(parsed.has_value()) << want << ": " << parsed.error().message();
    ASSERT_EQ(*parsed, x) << want;
    // Upper-case digits and prefix are accepted too.
    parsed = rollup::uint256_from_quantity("0X" + digits);
    ASSERT_TRUE(parsed.has_value()) << digits;
    ASSERT_EQ(*parsed, x) << digits;
    if (a != 0) {
      auto bad = rollup::uint256_from_quantity("0x0" + lower(digits));
      ASSERT_FALSE(bad.has_value()) << digits;
      ASSERT_TRUE(bad.error() == rollup::Errc::hex_leading_zero) << digits;
    }
    std::string corrupt = want;
    const std::string junk = "gG/:@`xX -+_\xff";
    corrupt[2 + noise.below(corrupt.size() - 2)] = junk[noise.below(junk.size())];
    auto bad = rollup::uint256_from_quantity(corrupt);
    ASSERT_FALSE(bad.has_value()) << corrupt;
  });
}

TEST(Uint256Diff, FromDecimal) {
  Gen noise(30);
  for_values(31, [&noise](const B256& a) {
    std::string text = a.str();
    if (noise.below(4) == 0) text.insert(0, noise.below(40), '0');
    auto parsed = rollup::uint256_from_decimal(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message();
    ASSERT_EQ(*parsed, from_boost(a)) << text;
    // The same digits with the 2^256 place set (or higher) must overflow.
    const B512 too_big = B512(a) + (B512(noise.below(1000) + 1) << 256);
    auto over = rollup::uint256_from_decimal(too_big.str());
    ASSERT_FALSE(over.has_value()) << too_big.str();
    ASSERT_TRUE(over.error() == rollup::Errc::overflow) << too_big.str();
    // One character that is not a decimal digit, including the neighbours of '0' and '9'.
    const std::string junk = "/:aAx -+.\xff";
    text[noise.below(text.size())] = junk[noise.below(junk.size())];
    ASSERT_FALSE(rollup::uint256_from_decimal(text).has_value()) << text;
  });
}

// ---------------------------------------------------------------------------------------------
// Hand-written expectations

const uint256 k_max = uint256::max();
const uint256 k_min_signed = uint256::from_words(0x8000000000000000ULL, 0, 0, 0);  // -2^255
const uint256 k_minus_one = k_max;
uint256 neg(u64 v) { return from_boost(B256(0) - B256(v)); }

TEST(Uint256Edge, DivisionByZero) {
  for (const uint256& x : {uint256{0}, uint256{1}, uint256{12345}, k_min_signed, k_max}) {
    EXPECT_EQ(x / uint256{0}, uint256{0});
    EXPECT_EQ(x % uint256{0}, uint256{0});
    EXPECT_EQ(rollup::sdiv(x, uint256{0}), uint256{0});
    EXPECT_EQ(rollup::smod(x, uint256{0}), uint256{0});
    EXPECT_EQ(rollup::addmod(x, k_max, uint256{0}), uint256{0});
    EXPECT_EQ(rollup::mulmod(x, k_max, uint256{0}), uint256{0});
    const auto dm = rollup::divmod(x, uint256{0});
    EXPECT_EQ(dm.quot, uint256{0});
    EXPECT_EQ(dm.rem, uint256{0});
  }
}

TEST(Uint256Edge, SignedDivision) {
  EXPECT_EQ(rollup::sdiv(k_min_signed, k_minus_one), k_min_signed);
  EXPECT_EQ(rollup::smod(k_min_signed, k_minus_one), uint256{0});
  EXPECT_EQ(rollup::sdiv(neg(7), uint256{2}), neg(3));  // truncates toward zero
  EXPECT_EQ(rollup::sdiv(uint256{7}, neg(2)), neg(3));
  EXPECT_EQ(rollup::sdiv(neg(7), neg(2)), uint256{3});
  EXPECT_EQ(rollup::smod(neg(7), uint256{3}), neg(1));  // sign of the dividend
  EXPECT_EQ(rollup::smod(uint256{7}, neg(3)), uint256{1});
  EXPECT_EQ(rollup::smod(neg(7), neg(3)), neg(1));
  EXPECT_EQ(rollup::smod(uint256{7}, uint256{3}), uint256{1});
  EXPECT_EQ(rollup::smod(neg(6), uint256{3}), uint256{0});
}

TEST(Uint256Edge, ModularArithmetic) {
  // 2^256 mod 3 == 1 needs the 257th bit of the sum.
  EXPECT_EQ(rollup::addmod(k_max, uint256{1}, uint256{3}), uint256{1});
  EXPECT_EQ(rollup::addmod(k_min_signed, k_min_signed, k_max), uint256{1});
  EXPECT_EQ(rollup::addmod(k_max, k_max, k_max), uint256{0});
  EXPECT_EQ(rollup::addmod(k_max, k_max, uint256{10}), uint256{0});  // 2^257 - 2 ends in ...70
  // (2^256 - 1) == 3 (mod 12), and 3 * 3 == 9.
  EXPECT_EQ(rollup::mulmod(k_max, k_max, uint256{12}), uint256{9});
  EXPECT_EQ(rollup::mulmod(k_max, k_max, k_max), uint256{0});
  EXPECT_EQ(rollup::mulmod(k_max, k_max, k_max - uint256{1}), uint256{1});
}

TEST(Uint256Edge, Exp) {
  EXPECT_EQ(rollup::exp(uint256{0}, uint256{0}), uint256{1});
  EXPECT_EQ(rollup::exp(uint256{0}, uint256{5}), uint256{0});
  EXPECT_EQ(rollup::exp(k_max, uint256{0}), uint256{1});
  EXPECT_EQ(rollup::exp(uint256{2}, uint256{255}), k_min_signed);
  EXPECT_EQ(rollup::exp(uint256{2}, uint256{256}), uint256{0});
  EXPECT_EQ(rollup::exp(uint256{2}, k_max), uint256{0});
  EXPECT_EQ(rollup::exp(uint256{10}, uint256{18}), uint256{1'000'000'000'000'000'000ULL});
  EXPECT_EQ(rollup::exp(k_max, uint256{2}), uint256{1});
  EXPECT_EQ(rollup::exp(k_max, uint256{3}), k_max);
  EXPECT_EQ(rollup::exp(uint256{3}, uint256{40}), uint256{12157665459056928801ULL});
}

TEST(Uint256Edge, SignExtend) {
  const uint256 x = uint256::from_words(0x0123456789abcdefULL, 0, 0, 0x80ULL);
  EXPECT_EQ(rollup::signextend(uint256{0}, x), neg(0x80));
  EXPECT_EQ(rollup::signextend(uint256{0}, uint256{0x7f}), uint256{0x7f});
  EXPECT_EQ(rollup::signextend(uint256{0}, uint256{0x1ff}), k_max);
  EXPECT_EQ(rollup::signextend(uint256{1}, uint256{0x18000}), neg(0x8000));
  // Byte 30 has the sign bit 247.
  const uint256 bit247 = uint256::from_words(0x0080000000000000ULL, 0, 0, 5);
  EXPECT_EQ(rollup::signextend(uint256{30}, bit247),
            uint256::from_words(0xff80000000000000ULL, 0, 0, 5));
  EXPECT_EQ(rollup::signextend(uint256{30}, uint256::from_words(0xff7fffffffffffffULL, 0, 0, 5)),
            uint256::from_words(0x007fffffffffffffULL, 0, 0, 5));
  for (const uint256& i : {uint256{31}, uint256{32}, uint256{1000}, uint256::from_words(0, 0, 1, 0),
                           uint256::from_words(1, 0, 0, 0), k_max}) {
    EXPECT_EQ(rollup::signextend(i, x), x);
    EXPECT_EQ(rollup::signextend(i, k_min_signed), k_min_signed);
  }
}

TEST(Uint256Edge, Shifts) {
  EXPECT_EQ(rollup::shl(uint256{255}, uint256{1}), k_min_signed);
  EXPECT_EQ(rollup::shl(uint256{256}, uint256{1}), uint256{0});
  EXPECT_EQ(rollup::shr(uint256{255}, k_min_signed), uint256{1});
  EXPECT_EQ(rollup::shr(uint256{256}, k_max), uint256{0});
  EXPECT_EQ(rollup::shl(uint256::from_words(0, 0, 1, 1), uint256{1}), uint256{0});
  EXPECT_EQ(rollup::shr(uint256::from_words(0, 0, 1, 1), k_max), uint256{0});
  EXPECT_EQ(rollup::sar(uint256{1}, k_min_signed),
            uint256::from_words(0xc000000000000000ULL, 0, 0, 0));
  EXPECT_EQ(rollup::sar(uint256{255}, k_min_signed), k_max);
  EXPECT_EQ(rollup::sar(uint256{256}, k_min_signed), k_max);
  EXPECT_EQ(rollup::sar(uint256{256}, k_minus_one), k_max);
  EXPECT_EQ(rollup::sar(uint256{1000}, neg(5)), k_max);
  EXPECT_EQ(rollup::sar(uint256::from_words(0, 0, 1, 0), neg(5)), k_max);
  EXPECT_EQ(rollup::sar(k_max, neg(5)), k_max);
  EXPECT_EQ(rollup::sar(uint256{256}, k_min_signed - uint256{1}), uint256{0});
  EXPECT_EQ(rollup::sar(uint256{4}, neg(17)), neg(2));  // floor(-17 / 16)
}

TEST(Uint256Edge, Byte) {
  const uint256 x = uint256::from_words(0xa1a2a3a4a5a6a7a8ULL, 0, 0, 0xb1b2b3b4b5b6b7b8ULL);
  EXPECT_EQ(rollup::byte(uint256{0}, x), uint256{0xa1});
  EXPECT_EQ(rollup::byte(uint256{7}, x), uint256{0xa8});
  EXPECT_EQ(rollup::byte(uint256{24}, x), uint256{0xb1});
  EXPECT_EQ(rollup::byte(uint256{31}, x), uint256{0xb8});
  EXPECT_EQ(rollup::byte(uint256{32}, x), uint256{0});
  EXPECT_EQ(rollup::byte(uint256::from_words(0, 0, 1, 31), x), uint256{0});
  EXPECT_EQ(rollup::byte(k_max, x), uint256{0});
}

TEST(Uint256Edge, Formatting) {
  EXPECT_EQ(rollup::to_string(uint256{0}), "0");
  EXPECT_EQ(rollup::to_string(k_max),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935");
  EXPECT_EQ(rollup::to_string(uint256::from_words(0, 0, 1, 0)), "18446744073709551616");
  EXPECT_EQ(rollup::to_hex_quantity(uint256{0}), "0x0");
  EXPECT_EQ(rollup::to_hex_quantity(uint256{0x1f}), "0x1f");
  EXPECT_EQ(rollup::to_hex_quantity(uint256::from_words(0, 0, 1, 0)), "0x10000000000000000");
  EXPECT_EQ(rollup::to_hex_quantity(k_max), "0x" + std::string(64, 'f'));
  EXPECT_TRUE(uint256{0}.to_be_trimmed().empty());
  EXPECT_EQ(uint256{0x1234}.to_be_trimmed(), (rollup::Bytes{0x12, 0x34}));
}

TEST(Uint256Edge, FromBeRejectsMoreThan32Bytes) {
  const std::vector<std::uint8_t> too_long(33, 0);
  EXPECT_DEATH((void)uint256::from_be(too_long), "assertion failed");
}

// ---------------------------------------------------------------------------------------------
// Strict parsing

void expect_quantity_error(std::string_view text, rollup::Errc want) {
  const auto r = rollup::uint256_from_quantity(text);
  ASSERT_FALSE(r.has_value()) << text;
  EXPECT_TRUE(r.error() == want) << text << ": " << r.error().message();
}

TEST(Uint256Parse, Quantity) {
  expect_quantity_error("0x", rollup::Errc::hex_empty_quantity);
  expect_quantity_error("0x00", rollup::Errc::hex_leading_zero);
  expect_quantity_error("0x01", rollup::Errc::hex_leading_zero);
  expect_quantity_error("1", rollup::Errc::hex_missing_prefix);
  expect_quantity_error("", rollup::Errc::hex_missing_prefix);
  expect_quantity_error("x1", rollup::Errc::hex_missing_prefix);
  expect_quantity_error("ff", rollup::Errc::hex_missing_prefix);
  expect_quantity_error("0xg", rollup::Errc::hex_invalid_digit);
  expect_quantity_error("0x1g", rollup::Errc::hex_invalid_digit);
  expect_quantity_error("0x 1", rollup::Errc::hex_invalid_digit);
  expect_quantity_error("0x1 ", rollup::Errc::hex_invalid_digit);
  expect_quantity_error("0x-1", rollup::Errc::hex_invalid_digit);
  expect_quantity_error("0x1" + std::string(64, '0'), rollup::Errc::overflow);  // 65 digits
  expect_quantity_error("0x" + std::string(65, 'f'), rollup::Errc::overflow);

  auto zero = rollup::uint256_from_quantity("0x0");
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(*zero, uint256{0});
  auto v = rollup::uint256_from_quantity("0X1F");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, uint256{0x1f});
  auto max = rollup::uint256_from_quantity("0x" + std::string(64, 'f'));
  ASSERT_TRUE(max.has_value());
  EXPECT_EQ(*max, k_max);
  EXPECT_EQ(rollup::to_hex_quantity(*max), "0x" + std::string(64, 'f'));
  auto top = rollup::uint256_from_quantity("0x8" + std::string(63, '0'));
  ASSERT_TRUE(top.has_value());
  EXPECT_EQ(*top, k_min_signed);
}

TEST(Uint256Parse, Decimal) {
  const std::string max_text =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  auto max = rollup::uint256_from_decimal(max_text);
  ASSERT_TRUE(max.has_value());
  EXPECT_EQ(*max, k_max);
  // max + 1
  auto over = rollup::uint256_from_decimal(
      "115792089237316195423570985008687907853269984665640564039457584007913129639936");
  ASSERT_FALSE(over.has_value());
  EXPECT_TRUE(over.error() == rollup::Errc::overflow);
  auto huge = rollup::uint256_from_decimal("1" + std::string(100, '0'));
  ASSERT_FALSE(huge.has_value());
  EXPECT_TRUE(huge.error() == rollup::Errc::overflow);

  auto padded = rollup::uint256_from_decimal(std::string(200, '0') + "42");
  ASSERT_TRUE(padded.has_value());
  EXPECT_EQ(*padded, uint256{42});
  auto zero = rollup::uint256_from_decimal("0");
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(*zero, uint256{0});
  auto e19 = rollup::uint256_from_decimal("10000000000000000000");
  ASSERT_TRUE(e19.has_value());
  EXPECT_EQ(*e19, uint256{10'000'000'000'000'000'000ULL});

  for (std::string_view bad :
       {"", "-1", "+1", "12a", "0x10", " 1", "1 ", "1.5", "1e3", "1/", "1:"}) {
    EXPECT_FALSE(rollup::uint256_from_decimal(bad).has_value()) << '"' << bad << '"';
  }
  const auto bad_digit = rollup::uint256_from_decimal("12a");
  ASSERT_FALSE(bad_digit.has_value());
  EXPECT_TRUE(bad_digit.error() == rollup::Errc::hex_invalid_digit);
}

}  // namespace
