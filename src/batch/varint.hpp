#pragma once
// Unsigned LEB128 varints (seven bits per byte, least significant group first, high bit set on
// every byte but the last) and the bounds-checked reader the batch and frame decoders share.
// Decoding is canonical: no zero final group after the first byte, nothing past the type's width.

#include <cstdint>
#include <string>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/batch/errors.hpp"

namespace rollup::batch {

inline void put_varint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

inline void put_varint(Bytes& out, const uint256& v) {
  if (v.fits_u64()) return put_varint(out, v.w[0]);
  uint256 x = v;
  while (!(x < uint256(0x80))) {
    out.push_back(static_cast<std::uint8_t>(x.w[0] | 0x80));
    x = x >> 7;
  }
  out.push_back(static_cast<std::uint8_t>(x.w[0]));
}

class Reader {
 public:
  Reader() noexcept = default;
  explicit Reader(ByteView in) noexcept : m_in(in) {}

  [[nodiscard]] bool empty() const noexcept { return m_in.empty(); }
  [[nodiscard]] std::size_t remaining() const noexcept { return m_in.size(); }
  [[nodiscard]] const std::uint8_t* position() const noexcept { return m_in.data(); }

  Result<std::uint8_t> byte() {
    if (m_in.empty()) return fail(Errc::truncated, "a byte");
    const std::uint8_t b = m_in[0];
    m_in = m_in.subspan(1);
    return b;
  }

  Result<ByteView> take(std::uint64_t n) {
    if (n > m_in.size()) return fail(Errc::truncated, std::to_string(n) + " bytes");
    const ByteView out = m_in.first(static_cast<std::size_t>(n));
    m_in = m_in.subspan(static_cast<std::size_t>(n));
    return out;
  }

  template <std::size_t N>
  Result<FixedBytes<N>> fixed() {
    ROLLUP_TRY(auto bytes, take(N));
    FixedBytes<N> out;
    std::memcpy(out.bytes.data(), bytes.data(), N);
    return out;
  }

  Result<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (unsigned i = 0;; ++i) {
      if (i == m_in.size()) return fail(Errc::truncated, "a varint");
      const std::uint8_t b = m_in[i];
      // The tenth byte holds bit 63 only.
      if (i == 9 && b > 1) return fail(Errc::non_canonical, "a varint past 2^64");
      v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i != 0) return fail(Errc::non_canonical, "a varint with a zero last group");
        m_in = m_in.subspan(i + 1);
        return v;
      }
    }
  }

  // 256-bit varints take at most 37 bytes, the last holding four bits.
  Result<uint256> varint256() {
    uint256 v;
    for (unsigned i = 0;; ++i) {
      if (i == m_in.size()) return fail(Errc::truncated, "a varint");
      const std::uint8_t b = m_in[i];
      if (i == 36 && b > 0x0f) return fail(Errc::non_canonical, "a varint past 2^256");
      v = v | (uint256(b & 0x7f) << (7 * i));
      if ((b & 0x80) == 0) {
        if (b == 0 && i != 0) return fail(Errc::non_canonical, "a varint with a zero last group");
        m_in = m_in.subspan(i + 1);
        return v;
      }
    }
  }

 private:
  ByteView m_in;
};

}  // namespace rollup::batch
