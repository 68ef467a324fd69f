#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "rollup/base/hex.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/modexp.hpp"
#include "support/hex.hpp"

namespace rollup::crypto {
namespace {

Bytes from_hex(std::string_view text) {
  return testing::unhex(text);
}

std::string modexp_hex(std::string_view base, std::string_view exponent, std::string_view modulus) {
  return hex::encode(modexp(from_hex(base), from_hex(exponent), from_hex(modulus)), false);
}

// An independent reference for moduli below 2^256: the base reduced byte by byte (Horner), then
// left-to-right square-and-multiply over every bit of the exponent, with base's own mulmod.
uint256 reference_modexp(ByteView base, ByteView exponent, const uint256& m) {
  if (m.is_zero()) return 0;
  uint256 b = 0;
  for (std::uint8_t byte : base) b = addmod(mulmod(b, 256, m), byte, m);
  uint256 r = uint256{1} % m;
  for (std::uint8_t byte : exponent) {
    for (int bit = 7; bit >= 0; --bit) {
      r = mulmod(r, r, m);
      if ((byte >> bit) & 1) r = mulmod(r, b, m);
    }
  }
  return r;
}

// The reference value as `width` big-endian bytes (the value must fit).
Bytes to_width(const uint256& v, std::size_t width) {
  const auto be = v.to_be();
  Bytes out(width, 0);
  for (std::size_t i = 0; i < std::min<std::size_t>(width, 32); ++i)
    out[width - 1 - i] = be[31 - i];
  return out;
}

TEST(Modexp, ZeroModulusGivesZerosOfTheModulusLength) {
  EXPECT_EQ(modexp_hex("03", "05", ""), "");
  EXPECT_EQ(modexp_hex("03", "05", "00"), "00");
  EXPECT_EQ(modexp_hex("03", "05", "000000"), "000000");
  EXPECT_EQ(modexp_hex("", "", ""), "");
  EXPECT_EQ(modexp_hex("", "", "0000"), "0000");
}

TEST(Modexp, ModulusOneGivesZero) {
  EXPECT_EQ(modexp_hex("03", "05", "01"), "00");
  EXPECT_EQ(modexp_hex("", "", "01"), "00");  // 0^0 = 1 = 0 mod 1
  EXPECT_EQ(modexp_hex("ff", "", "000001"), "000000");
}

TEST(Modexp, ZeroExponentGivesOne) {
  EXPECT_EQ(modexp_hex("", "", "05"), "01");  // 0^0 = 1
  EXPECT_EQ(modexp_hex("00", "0000", "05"), "01");
  EXPECT_EQ(modexp_hex("1234", "", "0100"), "0001");
  EXPECT_EQ(modexp_hex("1234", "00", "00000007"), "00000001");
}

TEST(Modexp, ZeroBase) {
  EXPECT_EQ(modexp_hex("", "01", "05"), "00");
  EXPECT_EQ(modexp_hex("0000", "ffff", "0005"), "0000");
}

TEST(Modexp, SmallKnownValues) {
  EXPECT_EQ(modexp_hex("02", "0a", "03e8"), "0018");  // 1024 mod 1000 = 24
  EXPECT_EQ(modexp_hex("03", "03", "0b"), "05");      // 27 mod 11
  EXPECT_EQ(modexp_hex("0b", "01", "07"), "04");      // a base above the modulus is reduced
  EXPECT_EQ(modexp_hex("05", "02", "10"), "09");      // even modulus: 25 mod 16
  EXPECT_EQ(modexp_hex("02", "ff", "00"), "00");
}

// A modulus with leading zero bytes: the result keeps the modulus's full width.
TEST(Modexp, ResultIsLeftPaddedToTheModulusLength) {
  EXPECT_EQ(modexp_hex("02", "03",
                       "00000000000000000000000000000000000000000000000000000000000000000000000b"),
            "000000000000000000000000000000000000000000000000000000000000000000000008");
}

// EIP-198's examples (https://eips.ethereum.org/EIPS/eip-198): Fermat's little theorem with the
// secp256k1 field prime p, 3^(p-1) = 1, and 0^(p-1) = 0.
TEST(Modexp, Eip198Examples) {
  const std::string_view p_minus_1 =
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e";
  const std::string_view p = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
  EXPECT_EQ(modexp_hex("03", p_minus_1, p),
            "0000000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(modexp_hex("", p_minus_1, p),
            "0000000000000000000000000000000000000000000000000000000000000000");
  // EIP-198's fourth example: 3^0xffff mod 2^255, an even modulus.
  EXPECT_EQ(
      modexp_hex("03", "ffff", "8000000000000000000000000000000000000000000000000000000000000000"),
      "3b01b01ac41f2d6e917c6d6a221ce793802469026d9ab7578fa2e79e4da6aaab");
}

// A 512-byte exponent of all ones bits: the reference walks all 4096 bits.
TEST(Modexp, HugeExponentAgainstReference) {
  const Bytes exponent(512, 0xff);
  const Bytes base = from_hex("0123456789abcdef");
  for (std::string_view m_hex :
       {"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",     // odd (a prime)
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30",     // even
        "0000000000000000000000000000000000000000000000000000000100000000"}) {  // 2^32
    const Bytes m = from_hex(m_hex);
    EXPECT_EQ(modexp(base, exponent, m),
              to_width(reference_modexp(base, exponent, uint256::from_be(m)), 32))
        << m_hex;
  }
}

// Random operands of 0..40 bytes (the base may exceed the modulus and 32 bytes, the exponent may be
// long), moduli of 1..32 bytes with and without leading zeros, against the reference.
TEST(Modexp, RandomAgainstReference) {
  std::mt19937_64 rng(7);
  auto random_bytes = [&](std::size_t max_len) {
    Bytes out(rng() % (max_len + 1));
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    // Sometimes zero the leading bytes, so short values also arrive in long encodings.
    if (!out.empty() && rng() % 4 == 0) std::fill(out.begin(), out.begin() + rng() % out.size(), 0);
    return out;
  };
  for (int i = 0; i < 3000; ++i) {
    const Bytes base = random_bytes(40);
    const Bytes exponent = random_bytes(i % 10 == 0 ? 64 : 8);
    Bytes modulus = random_bytes(32);
    if (i % 7 == 0 && !modulus.empty()) modulus.back() &= 0xfe;  // plenty of even moduli
    const uint256 m = uint256::from_be(modulus);
    EXPECT_EQ(modexp(base, exponent, modulus),
              to_width(reference_modexp(base, exponent, m), modulus.size()))
        << hex::encode(base) << " ^ " << hex::encode(exponent) << " mod " << hex::encode(modulus);
  }
}

// Exponents with long runs of trailing zero bytes (what EIP-198's padding produces).
TEST(Modexp, TrailingZeroBytesInTheExponent) {
  const Bytes m = from_hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  const Bytes base = from_hex("03");
  for (std::size_t zeros : {1, 2, 31, 32, 33, 1000}) {
    Bytes exponent = from_hex("0d");
    exponent.resize(1 + zeros, 0);
    EXPECT_EQ(modexp(base, exponent, m),
              to_width(reference_modexp(base, exponent, uint256::from_be(m)), 32))
        << zeros;
  }
}

// Splitting the exponent into parts changes nothing: parts of 1, 2, 3 and 7 bytes against whole.
TEST(Modexp, ExponentInPartsMatchesWhole) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 500; ++i) {
    Bytes base(rng() % 40), exponent(rng() % 40), modulus(1 + rng() % 40);
    for (auto* v : {&base, &exponent, &modulus}) {
      for (auto& b : *v) b = static_cast<std::uint8_t>(rng());
    }
    // Zero bytes inside and at the end of the exponent, where parts begin or end with them.
    if (exponent.size() > 4 && i % 3 == 0) std::fill(exponent.end() - 3, exponent.end(), 0);
    if (exponent.size() > 8 && i % 5 == 0) std::fill(exponent.begin() + 2, exponent.begin() + 6, 0);
    const Bytes whole = modexp(base, exponent, modulus);
    for (std::size_t part : {1, 2, 3, 7}) {
      EXPECT_EQ(detail::modexp_in_parts(base, exponent, modulus, part), whole)
          << hex::encode(base) << " ^ " << hex::encode(exponent) << " mod " << hex::encode(modulus)
          << " in parts of " << part;
    }
    if (modulus.size() <= 32) {
      EXPECT_EQ(whole, to_width(reference_modexp(base, exponent, uint256::from_be(modulus)),
                                modulus.size()));
    }
  }
}

// An exponent longer than OpenSSL accepts as one BIGNUM (64 MiB): 1 followed by 64 MiB of zero
// bytes. Bases that reach 0 or 1 end the squarings at once, which keeps this fast.
TEST(Modexp, ExponentBeyondTheBignumLimit) {
  Bytes exponent((std::size_t{64} << 20) + 1, 0);
  exponent[0] = 1;
  EXPECT_EQ(modexp(from_hex("03"), exponent, from_hex("02")), from_hex("01"));
  EXPECT_EQ(modexp(from_hex("07"), exponent, from_hex("0006")), from_hex("0001"));
  EXPECT_EQ(modexp(from_hex("06"), exponent, from_hex("03")), from_hex("00"));
}

}  // namespace
}  // namespace rollup::crypto
