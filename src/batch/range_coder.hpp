#pragma once
// The binary range coder of the modelled batch form (docs/protocol.md, "The modelled section")
// and the adaptive models built on it. The arithmetic is LZMA's: a 32-bit range, probabilities of
// a zero bit in 12 bits, carries resolved through a one-byte cache. What the specification pins
// down, and this file must keep exact, is every integer operation: any change, even a rounding,
// changes the bytes.
//
// Canonical by construction: the encoder's final flush writes the interval's lower end in full,
// so the decoder, having read every byte, must hold a code of exactly zero; any other tail, a
// first byte other than zero, or a read past the end is refused (see RangeDecoder::finish).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rollup/base/bytes.hpp"

namespace rollup::batch::detail {

constexpr unsigned k_prob_bits = 12;
constexpr std::uint16_t k_prob_half = 1u << (k_prob_bits - 1);
// The adaptation rate: each coded bit moves the probability 1/32 of the way to its outcome. It
// also keeps every probability inside [31, 4065], so neither outcome ever becomes impossible.
constexpr unsigned k_adapt_shift = 5;
constexpr std::uint32_t k_top = 1u << 24;

// Probability, in units of 2^-12, that the next bit is 0.
using Prob = std::uint16_t;

inline void adapt(Prob& p, unsigned bit) noexcept {
  if (bit == 0) {
    p = static_cast<Prob>(p + (((1u << k_prob_bits) - p) >> k_adapt_shift));
  } else {
    p = static_cast<Prob>(p - (p >> k_adapt_shift));
  }
}

class RangeEncoder {
 public:
  void bit(Prob& p, unsigned bit) {
    const std::uint32_t bound = (m_range >> k_prob_bits) * p;
    if (bit == 0) {
      m_range = bound;
    } else {
      m_low += bound;
      m_range -= bound;
    }
    adapt(p, bit);
    normalize();
  }

  // Bits of probability one half, most significant first: for values no model can predict.
  void direct(std::uint64_t value, unsigned count) {
    while (count-- > 0) {
      m_range >>= 1;
      if (((value >> count) & 1) != 0) m_low += m_range;
      normalize();
    }
  }

  Bytes finish() {
    for (int i = 0; i < 5; ++i) shift_low();
    return std::move(m_out);
  }

 private:
  void normalize() {
    while (m_range < k_top) {
      m_range <<= 8;
      shift_low();
    }
  }

  // Holds back the top byte while it may still receive a carry (a run of 0xff bytes waits with
  // it), so bytes leave in their final form.
  void shift_low() {
    if (m_low < 0xff000000u || m_low > 0xffffffffu) {
      const auto carry = static_cast<std::uint8_t>(m_low >> 32);
      m_out.push_back(static_cast<std::uint8_t>(m_cache + carry));
      for (; m_pending > 0; --m_pending) m_out.push_back(static_cast<std::uint8_t>(0xff + carry));
      m_cache = static_cast<std::uint8_t>(m_low >> 24);
    } else {
      ++m_pending;
    }
    m_low = (m_low & 0x00ffffffu) << 8;
  }

  std::uint64_t m_low = 0;
  std::uint32_t m_range = 0xffffffffu;
  std::uint8_t m_cache = 0;
  std::size_t m_pending = 0;  // 0xff bytes held back behind m_cache
  Bytes m_out;
};

class RangeDecoder {
 public:
  // Reading past the end sets a flag and yields zero bytes instead of failing each call, so the
  // hot path stays branch-light; callers check overrun() where they must stop early, and
  // finish() refuses the input.
  explicit RangeDecoder(ByteView in) : m_in(in) {
    m_first_ok = next() == 0;
    for (int i = 0; i < 4; ++i) m_code = (m_code << 8) | next();
    // The code is an offset into the range; a code at or past its end is no interval at all.
    if (m_code >= m_range) m_first_ok = false;
  }

  unsigned bit(Prob& p) {
    const std::uint32_t bound = (m_range >> k_prob_bits) * p;
    unsigned bit;
    if (m_code < bound) {
      m_range = bound;
      bit = 0;
    } else {
      m_code -= bound;
      m_range -= bound;
      bit = 1;
    }
    adapt(p, bit);
    normalize();
    return bit;
  }

  std::uint64_t direct(unsigned count) {
    std::uint64_t v = 0;
    while (count-- > 0) {
      m_range >>= 1;
      unsigned bit = 0;
      if (m_code >= m_range) {
        m_code -= m_range;
        bit = 1;
      }
      v = (v << 1) | bit;
      normalize();
    }
    return v;
  }

  [[nodiscard]] bool overrun() const noexcept { return m_overrun; }

  // True when the input was exactly what the encoder writes for the symbols decoded so far: a
  // zero first byte, every byte read and none beyond, and the code at the interval's lower end.
  [[nodiscard]] bool finish() const noexcept {
    return m_first_ok && !m_overrun && m_pos == m_in.size() && m_code == 0;
  }

 private:
  std::uint32_t next() {
    if (m_pos < m_in.size()) return m_in[m_pos++];
    m_overrun = true;
    return 0;
  }
  void normalize() {
    while (m_range < k_top) {
      m_range <<= 8;
      m_code = (m_code << 8) | next();
    }
  }

  ByteView m_in;
  std::size_t m_pos = 0;
  std::uint32_t m_range = 0xffffffffu;
  std::uint32_t m_code = 0;
  bool m_first_ok = true;
  bool m_overrun = false;
};

// A symbol of `Bits` bits as a binary tree: node 1 is the root, node 2n + b follows bit b of node
// n, most significant bit first, so each bit is predicted from the ones above it.
template <unsigned Bits>
class BitTree {
 public:
  static constexpr unsigned k_symbols = 1u << Bits;

  void encode(RangeEncoder& rc, unsigned symbol) {
    unsigned node = 1;
    for (unsigned i = Bits; i-- > 0;) {
      const unsigned b = (symbol >> i) & 1;
      rc.bit(m_probs[node], b);
      node = 2 * node + b;
    }
  }
  unsigned decode(RangeDecoder& rc) {
    unsigned node = 1;
    for (unsigned i = 0; i < Bits; ++i) node = 2 * node + rc.bit(m_probs[node]);
    return node - k_symbols;
  }

 private:
  std::array<Prob, k_symbols> m_probs = filled();
  static constexpr std::array<Prob, k_symbols> filled() {
    std::array<Prob, k_symbols> a{};
    a.fill(k_prob_half);
    return a;
  }
};

}  // namespace rollup::batch::detail
