#pragma once
// Recursive Length Prefix, canonical form only. The decoder never copies: items are views into the
// caller's buffer, which must outlive them. It refuses everything that has a shorter or different
// canonical encoding (leading zeros in lengths or integers, long forms for short payloads, a single
// byte below 0x80 wrapped as a string), anything that runs past its input, trailing bytes, and
// nesting deeper than k_max_depth. Two encodings of one value would give one transaction two hashes.

#include <cstddef>
#include <cstdint>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"

namespace rollup::rlp {

enum class Errc {
  ok = 0,
  truncated,                // the header or payload runs past the end of the input
  non_canonical_length,     // length prefix with leading zeros or long form for < 56 bytes
  non_canonical_byte,       // a single byte < 0x80 encoded as a one-byte string
  trailing_bytes,           // input continues after the item
  expected_string,          // found a list where a string was required
  expected_list,            // found a string where a list was required
  leading_zero,             // integer with a leading zero byte (zero must be the empty string)
  integer_overflow,         // integer wider than the target type
  wrong_size,               // fixed-size field (address, hash) with another length
  too_deep,                 // nesting deeper than k_max_depth
  missing_element,          // list has fewer elements than the structure needs
  extra_element,            // list has more elements than the structure allows
};

}  // namespace rollup::rlp
ROLLUP_DECLARE_ERRC(rollup::rlp, Errc);

namespace rollup::rlp {

// Ethereum structures nest at most four deep (a transaction's access list); the limit leaves room for
// our own formats while keeping recursion over hostile input bounded.
inline constexpr std::size_t k_max_depth = 64;

struct Item {
  bool is_list = false;
  ByteView payload;  // string bytes, or the concatenated encodings of the list's elements
};

// Reads one item from the front of `in`, checks its header and bounds, and advances `in` past it.
[[nodiscard]] Result<Item> read_item(ByteView& in);
// One item that spans all of `in`.
[[nodiscard]] Result<Item> decode_exact(ByteView in);
Result<Item> decode_exact(Bytes&& in) = delete;  // the item would view a destroyed buffer
// Checks a whole encoding (exactly one item, recursively canonical, depth-limited) without allocating.
[[nodiscard]] Result<void> validate(ByteView in, std::size_t max_depth = k_max_depth);

// Integer and fixed-size views of a string item.
[[nodiscard]] Result<std::uint64_t> to_u64(const Item& item);
[[nodiscard]] Result<uint256> to_u256(const Item& item);
[[nodiscard]] Result<ByteView> to_string(const Item& item);

// Walks the elements of a list payload in order. The typed getters name the error a malformed field
// gives, so a decoder reads like the structure it decodes.
class ListReader {
 public:
  explicit ListReader(ByteView payload) noexcept : m_rest(payload) {}
  // The payload of `in` must be exactly one list.
  static Result<ListReader> open(ByteView in);
  static Result<ListReader> open(Bytes&& in) = delete;  // would view a destroyed buffer
  static Result<ListReader> of(const Item& item);

  [[nodiscard]] bool empty() const noexcept { return m_rest.empty(); }
  [[nodiscard]] Result<Item> next();
  [[nodiscard]] Result<std::uint64_t> next_u64();
  [[nodiscard]] Result<uint256> next_u256();
  [[nodiscard]] Result<ByteView> next_string();
  [[nodiscard]] Result<ListReader> next_list();
  template <std::size_t N>
  [[nodiscard]] Result<FixedBytes<N>> next_fixed() {
    auto s = next_string();
    if (!s) return fail(s.error());
    auto v = FixedBytes<N>::from_view(*s);
    if (!v) return fail(Errc::wrong_size, "want " + std::to_string(N) + " bytes, got " +
                                              std::to_string(s->size()));
    return *v;
  }
  // Succeeds only when every element has been read.
  [[nodiscard]] Result<void> finish() const;

 private:
  ByteView m_rest;
};

// Appends canonical RLP to a growing buffer. Lists are opened with begin_list() and closed with
// end_list(mark); the header is inserted when the payload length is known.
class Encoder {
 public:
  Encoder() = default;
  explicit Encoder(std::size_t reserve) { m_out.reserve(reserve); }

  void add_string(ByteView s);
  void add_u64(std::uint64_t v);
  void add_u256(const uint256& v);
  template <std::size_t N>
  void add_fixed(const FixedBytes<N>& v) {
    add_string(v.view());
  }
  void add_raw(ByteView encoded);  // an already-encoded item

  [[nodiscard]] std::size_t begin_list() const noexcept { return m_out.size(); }
  void end_list(std::size_t mark);

  [[nodiscard]] const Bytes& bytes() const noexcept { return m_out; }
  [[nodiscard]] Bytes take() noexcept { return std::move(m_out); }

 private:
  void add_header(std::uint8_t short_base, std::size_t length);
  Bytes m_out;
};

// Size of an encoded header for a payload of this length (1 for short forms).
[[nodiscard]] std::size_t header_size(std::size_t payload_length) noexcept;

}  // namespace rollup::rlp
