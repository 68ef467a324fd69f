#include "rollup/base/hex.hpp"

#include <array>

namespace rollup::hex {
namespace {

constexpr std::array<std::int8_t, 256> make_digit_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}
constexpr auto k_digit = make_digit_table();

int digit(char c) noexcept { return k_digit[static_cast<unsigned char>(c)]; }

bool has_prefix(std::string_view s) noexcept {
  return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

Result<std::string_view> strip(std::string_view text, Prefix prefix) {
  const bool present = has_prefix(text);
  if (prefix == Prefix::required && !present) return fail(Errc::hex_missing_prefix);
  if (prefix == Prefix::forbidden && present) return fail(Errc::hex_unexpected_prefix);
  return present ? text.substr(2) : text;
}

Result<void> decode_digits(std::string_view digits, std::uint8_t* out) {
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    const int hi = digit(digits[i]);
    const int lo = digit(digits[i + 1]);
    if (hi < 0 || lo < 0) {
      const std::size_t at = hi < 0 ? i : i + 1;
      return fail(Errc::hex_invalid_digit, "at position " + std::to_string(at));
    }
    out[i / 2] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return {};
}

}  // namespace

Result<Bytes> decode(std::string_view text, Prefix prefix) {
  auto digits = strip(text, prefix);
  if (!digits) return fail(digits.error());
  if (digits->size() % 2 != 0) return fail(Errc::hex_odd_length);
  Bytes out(digits->size() / 2);
  if (auto r = decode_digits(*digits, out.data()); !r) return fail(r.error());
  return out;
}

Result<void> decode_into(std::string_view text, std::span<std::uint8_t> out, Prefix prefix) {
  auto digits = strip(text, prefix);
  if (!digits) return fail(digits.error());
  if (digits->size() % 2 != 0) return fail(Errc::hex_odd_length);
  if (digits->size() / 2 != out.size()) {
    return fail(Errc::hex_wrong_length, "want " + std::to_string(out.size()) + " bytes, got " +
                                            std::to_string(digits->size() / 2));
  }
  return decode_digits(*digits, out.data());
}

std::string encode(ByteView data, bool with_prefix) {
  static constexpr char k_alphabet[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2 + 2);
  if (with_prefix) out += "0x";
  for (std::uint8_t b : data) {
    out += k_alphabet[b >> 4];
    out += k_alphabet[b & 0xf];
  }
  return out;
}

Result<std::uint64_t> decode_quantity(std::string_view text) {
  if (!has_prefix(text)) return fail(Errc::hex_missing_prefix);
  const std::string_view digits = text.substr(2);
  if (digits.empty()) return fail(Errc::hex_empty_quantity);
  if (digits.size() > 1 && digits[0] == '0') return fail(Errc::hex_leading_zero);
  if (digits.size() > 16) return fail(Errc::overflow, "quantity exceeds 64 bits");
  std::uint64_t v = 0;
  for (char c : digits) {
    const int d = digit(c);
    if (d < 0) return fail(Errc::hex_invalid_digit);
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

std::string encode_quantity(std::uint64_t value) {
  static constexpr char k_alphabet[] = "0123456789abcdef";
  if (value == 0) return "0x0";
  char buf[16];
  int n = 0;
  while (value != 0) {
    buf[n++] = k_alphabet[value & 0xf];
    value >>= 4;
  }
  std::string out = "0x";
  while (n > 0) out += buf[--n];
  return out;
}

}  // namespace rollup::hex
