#pragma once
// Strict hexadecimal. Two grammars matter for Ethereum:
//  - data: an even number of digits, e.g. "0x", "0x00ff"; both letter cases accepted;
//  - quantity (JSON-RPC numbers): "0x" then at least one digit and no leading zero ("0x0", "0x1a").
// Nothing is guessed: an odd length, a bad digit or a missing/unexpected prefix is an error.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"

namespace rollup::hex {

enum class Prefix { required, optional, forbidden };

[[nodiscard]] Result<Bytes> decode(std::string_view text, Prefix prefix = Prefix::required);

// Decodes exactly out.size() bytes; any other length is hex_wrong_length.
[[nodiscard]] Result<void> decode_into(std::string_view text, std::span<std::uint8_t> out,
                                       Prefix prefix = Prefix::required);

template <std::size_t N>
[[nodiscard]] Result<FixedBytes<N>> decode_fixed(std::string_view text,
                                                 Prefix prefix = Prefix::required) {
  FixedBytes<N> out;
  if (auto r = decode_into(text, out.bytes, prefix); !r) return fail(r.error());
  return out;
}

[[nodiscard]] std::string encode(ByteView data, bool with_prefix = true);

template <std::size_t N>
[[nodiscard]] std::string encode(const FixedBytes<N>& v, bool with_prefix = true) {
  return encode(v.view(), with_prefix);
}

[[nodiscard]] Result<std::uint64_t> decode_quantity(std::string_view text);
[[nodiscard]] std::string encode_quantity(std::uint64_t value);

}  // namespace rollup::hex
