#include "rollup/rlp/rlp.hpp"

namespace rollup::rlp {

std::string_view category_name(Errc) noexcept { return "rlp"; }

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::truncated: return "input too short";
    case Errc::non_canonical_length: return "non-canonical size information";
    case Errc::non_canonical_byte: return "non-canonical single byte string";
    case Errc::trailing_bytes: return "input contains more data than the item";
    case Errc::expected_string: return "expected a string, found a list";
    case Errc::expected_list: return "expected a list, found a string";
    case Errc::leading_zero: return "integer has leading zero bytes";
    case Errc::integer_overflow: return "integer too large";
    case Errc::wrong_size: return "wrong size for fixed-size value";
    case Errc::too_deep: return "nesting too deep";
    case Errc::missing_element: return "too few elements in list";
    case Errc::extra_element: return "too many elements in list";
  }
  return "unknown rlp error";
}

Result<Item> read_item(ByteView& in) {
  if (in.empty()) return fail(Errc::truncated);
  const std::uint8_t b = in[0];
  if (b < 0x80) {
    Item item{false, in.subspan(0, 1)};
    in = in.subspan(1);
    return item;
  }

  const bool is_list = b >= 0xc0;
  const std::uint8_t base = is_list ? 0xc0 : 0x80;
  std::size_t header = 1;
  std::size_t length = 0;
  if (b - base <= 55) {
    length = static_cast<std::size_t>(b - base);
    if (length > in.size() - 1) return fail(Errc::truncated, "payload runs past the input");
  } else {
    const std::size_t len_of_len = static_cast<std::size_t>(b - base - 55);  // 1..8
    if (in.size() < 1 + len_of_len) return fail(Errc::truncated, "length prefix");
    if (in[1] == 0) return fail(Errc::non_canonical_length, "length with leading zero");
    std::uint64_t len64 = 0;
    for (std::size_t i = 0; i < len_of_len; ++i) len64 = (len64 << 8) | in[1 + i];
    if (len64 < 56) return fail(Errc::non_canonical_length, "long form for a short payload");
    header += len_of_len;
    // Compare against what is left, never add to len64: a hostile 8-byte length would wrap.
    if (len64 > in.size() - header) return fail(Errc::truncated, "payload runs past the input");
    length = static_cast<std::size_t>(len64);
  }

  Item item{is_list, in.subspan(header, length)};
  if (!is_list && length == 1 && item.payload[0] < 0x80) return fail(Errc::non_canonical_byte);
  in = in.subspan(header + length);
  return item;
}

Result<Item> decode_exact(ByteView in) {
  auto item = read_item(in);
  if (!item) return item;
  if (!in.empty()) return fail(Errc::trailing_bytes);
  return item;
}

namespace {
Result<void> validate_list(ByteView payload, std::size_t depth_left) {
  if (depth_left == 0) return fail(Errc::too_deep);
  while (!payload.empty()) {
    auto item = read_item(payload);
    if (!item) return fail(item.error());
    if (item->is_list) {
      if (auto r = validate_list(item->payload, depth_left - 1); !r) return r;
    }
  }
  return {};
}
}  // namespace

Result<void> validate(ByteView in, std::size_t max_depth) {
  auto item = decode_exact(in);
  if (!item) return fail(item.error());
  if (!item->is_list) return {};
  return validate_list(item->payload, max_depth);
}

Result<ByteView> to_string(const Item& item) {
  if (item.is_list) return fail(Errc::expected_string);
  return item.payload;
}

Result<std::uint64_t> to_u64(const Item& item) {
  if (item.is_list) return fail(Errc::expected_string);
  const ByteView p = item.payload;
  // Leading zeros first: a zero-padded integer is non-canonical whatever its width.
  if (!p.empty() && p[0] == 0) return fail(Errc::leading_zero);
  if (p.size() > 8) return fail(Errc::integer_overflow, "more than 64 bits");
  std::uint64_t v = 0;
  for (std::uint8_t byte : p) v = (v << 8) | byte;
  return v;
}

Result<uint256> to_u256(const Item& item) {
  if (item.is_list) return fail(Errc::expected_string);
  const ByteView p = item.payload;
  if (!p.empty() && p[0] == 0) return fail(Errc::leading_zero);
  if (p.size() > 32) return fail(Errc::integer_overflow, "more than 256 bits");
  return uint256::from_be(p);
}

Result<ListReader> ListReader::open(ByteView in) {
  auto item = decode_exact(in);
  if (!item) return fail(item.error());
  return of(*item);
}

Result<ListReader> ListReader::of(const Item& item) {
  if (!item.is_list) return fail(Errc::expected_list);
  return ListReader(item.payload);
}

Result<Item> ListReader::next() {
  if (m_rest.empty()) return fail(Errc::missing_element);
  return read_item(m_rest);
}

Result<std::uint64_t> ListReader::next_u64() {
  auto item = next();
  if (!item) return fail(item.error());
  return to_u64(*item);
}

Result<uint256> ListReader::next_u256() {
  auto item = next();
  if (!item) return fail(item.error());
  return to_u256(*item);
}

Result<ByteView> ListReader::next_string() {
  auto item = next();
  if (!item) return fail(item.error());
  return to_string(*item);
}

Result<ListReader> ListReader::next_list() {
  auto item = next();
  if (!item) return fail(item.error());
  return of(*item);
}

Result<void> ListReader::finish() const {
  if (!m_rest.empty()) return fail(Errc::extra_element);
  return {};
}

}  // namespace rollup::rlp
