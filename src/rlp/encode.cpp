#include "rollup/rlp/rlp.hpp"

#include <bit>

#include "rollup/base/assert.hpp"

namespace rollup::rlp {
namespace {

std::size_t byte_length(std::uint64_t v) noexcept {
  return static_cast<std::size_t>((std::bit_width(v) + 7) / 8);
}

// Writes the header for a payload into buf (at most 9 bytes) and returns its size.
std::size_t write_header(std::uint8_t* buf, std::uint8_t short_base, std::size_t length) noexcept {
  if (length <= 55) {
    buf[0] = static_cast<std::uint8_t>(short_base + length);
    return 1;
  }
  const std::size_t n = byte_length(length);
  buf[0] = static_cast<std::uint8_t>(short_base + 55 + n);
  for (std::size_t i = 0; i < n; ++i) {
    buf[1 + i] = static_cast<std::uint8_t>(length >> (8 * (n - 1 - i)));
  }
  return 1 + n;
}

}  // namespace

std::size_t header_size(std::size_t payload_length) noexcept {
  return payload_length <= 55 ? 1 : 1 + byte_length(payload_length);
}

void Encoder::add_header(std::uint8_t short_base, std::size_t length) {
  std::uint8_t buf[9];
  const std::size_t n = write_header(buf, short_base, length);
  m_out.insert(m_out.end(), buf, buf + n);
}

void Encoder::add_string(ByteView s) {
  if (s.size() == 1 && s[0] < 0x80) {
    m_out.push_back(s[0]);
    return;
  }
  add_header(0x80, s.size());
  append(m_out, s);
}

void Encoder::add_u64(std::uint64_t v) {
  if (v != 0 && v < 0x80) {
    m_out.push_back(static_cast<std::uint8_t>(v));
    return;
  }
  const std::size_t n = byte_length(v);
  m_out.push_back(static_cast<std::uint8_t>(0x80 + n));
  for (std::size_t i = 0; i < n; ++i) m_out.push_back(static_cast<std::uint8_t>(v >> (8 * (n - 1 - i))));
}

void Encoder::add_u256(const uint256& v) {
  if (v.fits_u64()) {
    add_u64(v.low64());
    return;
  }
  const auto be = v.to_be();
  const std::size_t n = v.byte_length();
  m_out.push_back(static_cast<std::uint8_t>(0x80 + n));
  m_out.insert(m_out.end(), be.end() - static_cast<std::ptrdiff_t>(n), be.end());
}

void Encoder::add_raw(ByteView encoded) { append(m_out, encoded); }

void Encoder::end_list(std::size_t mark) {
  ROLLUP_ASSERT(mark <= m_out.size());
  const std::size_t length = m_out.size() - mark;
  std::uint8_t buf[9];
  const std::size_t n = write_header(buf, 0xc0, length);
  m_out.insert(m_out.begin() + static_cast<std::ptrdiff_t>(mark), buf, buf + n);
}

}  // namespace rollup::rlp
