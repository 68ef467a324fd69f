#include <gtest/gtest.h>

#include <set>

#include "rollup/base/hex.hpp"

namespace rollup {
namespace {

TEST(Hex, DecodesDataWithPrefix) {
  auto b = hex::decode("0x00ff7A");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Bytes{0x00, 0xff, 0x7a}));
  EXPECT_EQ(hex::decode("0x")->size(), 0u);
}

TEST(Hex, PrefixRules) {
  EXPECT_EQ(hex::decode("00ff").error(), Errc::hex_missing_prefix);
  EXPECT_EQ(hex::decode("0x00", hex::Prefix::forbidden).error(), Errc::hex_unexpected_prefix);
  EXPECT_EQ(*hex::decode("00ff", hex::Prefix::optional), (Bytes{0x00, 0xff}));
  EXPECT_EQ(*hex::decode("0X00ff", hex::Prefix::optional), (Bytes{0x00, 0xff}));
  EXPECT_EQ(*hex::decode("abcd", hex::Prefix::forbidden), (Bytes{0xab, 0xcd}));
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  EXPECT_EQ(hex::decode("0x0").error(), Errc::hex_odd_length);
  EXPECT_EQ(hex::decode("0xabc").error(), Errc::hex_odd_length);
  EXPECT_EQ(hex::decode("0xzz").error(), Errc::hex_invalid_digit);
  EXPECT_EQ(hex::decode("0x0g").error(), Errc::hex_invalid_digit);
  EXPECT_EQ(hex::decode("0x 0").error(), Errc::hex_invalid_digit);
  EXPECT_EQ(hex::decode("0x-1").error(), Errc::hex_invalid_digit);
  // A NUL inside the string must not end parsing early.
  EXPECT_EQ(hex::decode(std::string_view("0x0\0", 4)).error(), Errc::hex_invalid_digit);
}

TEST(Hex, FixedSizeIsExact) {
  EXPECT_TRUE(hex::decode_fixed<20>("0x" + std::string(40, 'a')));
  EXPECT_EQ(hex::decode_fixed<20>("0x" + std::string(38, 'a')).error(), Errc::hex_wrong_length);
  EXPECT_EQ(hex::decode_fixed<20>("0x" + std::string(42, 'a')).error(), Errc::hex_wrong_length);
  EXPECT_EQ(hex::decode_fixed<32>("0x" + std::string(63, 'a')).error(), Errc::hex_odd_length);
}

TEST(Hex, EncodeRoundTrips) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  const std::string text = hex::encode(all);
  EXPECT_EQ(text.substr(0, 8), "0x000102");
  EXPECT_EQ(*hex::decode(text), all);
  EXPECT_EQ(hex::encode(Bytes{0xab}, false), "ab");
  EXPECT_EQ(hex::encode(Bytes{}), "0x");
}

TEST(Hex, QuantityGrammar) {
  EXPECT_EQ(*hex::decode_quantity("0x0"), 0u);
  EXPECT_EQ(*hex::decode_quantity("0x1a"), 26u);
  EXPECT_EQ(*hex::decode_quantity("0xffffffffffffffff"), UINT64_MAX);
  EXPECT_EQ(hex::decode_quantity("0x").error(), Errc::hex_empty_quantity);
  EXPECT_EQ(hex::decode_quantity("0x01").error(), Errc::hex_leading_zero);
  EXPECT_EQ(hex::decode_quantity("0x00").error(), Errc::hex_leading_zero);
  EXPECT_EQ(hex::decode_quantity("1").error(), Errc::hex_missing_prefix);
  EXPECT_EQ(hex::decode_quantity("0x1g").error(), Errc::hex_invalid_digit);
  EXPECT_EQ(hex::decode_quantity("0x10000000000000000").error(), Errc::overflow);
  EXPECT_EQ(hex::encode_quantity(0), "0x0");
  EXPECT_EQ(hex::encode_quantity(255), "0xff");
  EXPECT_EQ(hex::encode_quantity(UINT64_MAX), "0xffffffffffffffff");
}

TEST(Error, MessageNamesCategoryAndDetail) {
  auto r = hex::decode("0xzz");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "base: invalid hex digit: at position 0");
  EXPECT_EQ(with_context(r, "field x").error().message(),
            "base: invalid hex digit: field x (at position 0)");
  EXPECT_EQ(with_context(r, "field x").error(), Errc::hex_invalid_digit);
}

// Storage slots 0, 1, 2... differ only in their last byte; a hash of the first word alone would put
// them all in one bucket.
TEST(Bytes, HashUsesEveryByte) {
  std::set<std::size_t> seen;
  for (int i = 0; i < 1000; ++i) {
    Hash slot;
    slot.bytes[31] = static_cast<std::uint8_t>(i);
    slot.bytes[30] = static_cast<std::uint8_t>(i >> 8);
    seen.insert(std::hash<Hash>{}(slot));
  }
  EXPECT_EQ(seen.size(), 1000u);
  Address a;
  Address b;
  b.bytes[19] = 1;
  EXPECT_NE(std::hash<Address>{}(a), std::hash<Address>{}(b));
}

TEST(Bytes, FixedBytesFromViewIsExact) {
  const Bytes twenty(20, 1);
  const Bytes nineteen(19, 1);
  EXPECT_TRUE(Address::from_view(twenty));
  EXPECT_FALSE(Address::from_view(nineteen));
  Address a;
  EXPECT_TRUE(a.is_zero());
  a.bytes[19] = 1;
  EXPECT_FALSE(a.is_zero());
  EXPECT_LT(Address{}, a);
}

}  // namespace
}  // namespace rollup
