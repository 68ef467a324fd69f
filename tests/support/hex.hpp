#pragma once
// Hex literals in tests: a malformed one fails the test that wrote it rather than aborting.

#include <gtest/gtest.h>

#include <string_view>

#include "rollup/base/bytes.hpp"
#include "rollup/base/hex.hpp"

namespace rollup::testing {

// Bytes of hex; `prefix` says whether a 0x is allowed, required or refused.
inline Bytes unhex(std::string_view text, hex::Prefix prefix = hex::Prefix::optional) {
  auto bytes = hex::decode(text, prefix);
  EXPECT_TRUE(bytes) << text;
  return bytes ? *bytes : Bytes{};
}

// Exactly N bytes of hex, with or without 0x.
template <std::size_t N>
FixedBytes<N> unhex(std::string_view text) {
  auto bytes = hex::decode(text, hex::Prefix::optional);
  EXPECT_TRUE(bytes) << text;
  if (!bytes) return {};
  auto fixed = FixedBytes<N>::from_view(*bytes);
  EXPECT_TRUE(fixed) << text;
  return fixed ? *fixed : FixedBytes<N>{};
}

}  // namespace rollup::testing
