#pragma once
// The modelled section (docs/protocol.md, "The modelled section"): every field coded with the
// binary range coder under a model that knows what the field holds, instead of a byte stream for
// a general-purpose compressor. Byte-oriented coders lose most on numbers: a varint's bytes mix
// length and value, and a repeated five-byte fee costs an LZ match of two or three bytes. Here a
// number is its bit length (adaptive, per field) and then its bits; fees and gas limits, which
// repeat within a block, go through a short move-to-front list of recent values first, so a
// repeat costs a few bits.
//
// ModelSink and ModelSource hold the same models and update them identically; any divergence is a
// format bug. The source charges every size it allocates for against a byte budget (the
// decompressed-size limit), since a few hostile bytes can code millions of likely symbols.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "fields.hpp"
#include "number.hpp"
#include "range_coder.hpp"
#include "rollup/base/assert.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/batch/errors.hpp"

namespace rollup::batch::detail {

inline unsigned bit_length(std::uint64_t v) noexcept {
  return v == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(v));
}

inline unsigned bit_length(const uint256& v) noexcept {
  for (unsigned i = 4; i-- > 0;) {
    if (v.w[i] != 0) return 64 * i + bit_length(v.w[i]);
  }
  return 0;
}

// Bits [lo, lo + n) of v, n <= 64.
inline std::uint64_t bits_of(const uint256& v, unsigned lo, unsigned n) noexcept {
  const unsigned word = lo / 64, shift = lo % 64;
  std::uint64_t x = v.w[word] >> shift;
  if (shift != 0 && word + 1 < 4) x |= v.w[word + 1] << (64 - shift);
  return n == 64 ? x : x & ((std::uint64_t{1} << n) - 1);
}

// An unsigned number: its bit length L (a 9-bit tree, in one of `Contexts` contexts the caller
// picks), then the L - 1 bits below the leading one. The top k_modelled of those go through a
// tree per length, because their distribution is rarely flat (counts, round sizes); the rest are
// direct bits.
template <unsigned Contexts>
class NumberModel {
 public:
  static constexpr unsigned k_modelled = 5;

  void encode(RangeEncoder& rc, unsigned ctx, const uint256& v) {
    if (v.fits_u64()) return encode(rc, ctx, v.w[0]);
    const unsigned length = bit_length(v);
    m_length[ctx].encode(rc, length);
    unsigned rest = top(rc, length, [&](unsigned i) { return (v.w[i / 64] >> (i % 64)) & 1; });
    while (rest > 0) {
      const unsigned n = std::min(rest, 64u);
      rc.direct(bits_of(v, rest - n, n), n);
      rest -= n;
    }
  }
  void encode(RangeEncoder& rc, unsigned ctx, std::uint64_t v) {
    const unsigned length = bit_length(v);
    m_length[ctx].encode(rc, length);
    const unsigned rest = top(rc, length, [&](unsigned i) { return (v >> i) & 1; });
    rc.direct(v, rest);
  }

  // Lengths above max_bits are refused: a field's width is part of its one encoding.
  Result<uint256> decode(RangeDecoder& rc, unsigned ctx, unsigned max_bits) {
    const unsigned length = m_length[ctx].decode(rc);
    if (length > max_bits) {
      return fail(Errc::non_canonical, "a number of " + std::to_string(length) + " bits");
    }
    if (length == 0) return uint256(0);
    unsigned node = 1;
    const unsigned modelled = std::min(length - 1, k_modelled);
    for (unsigned i = 0; i < modelled; ++i) node = 2 * node + rc.bit(m_top[length][node]);
    // node holds the leading one and the modelled bits.
    unsigned rest = length - 1 - modelled;
    if (length <= 64) return uint256((std::uint64_t{node} << rest) | rc.direct(rest));
    uint256 v(node);
    while (rest > 0) {
      const unsigned n = std::min(rest, 64u);
      v = (v << n) | uint256(rc.direct(n));
      rest -= n;
    }
    return v;
  }

 private:
  // Codes the modelled bits below the leading one; returns how many bits remain.
  template <typename BitAt>
  unsigned top(RangeEncoder& rc, unsigned length, BitAt bit_at) {
    if (length <= 1) return 0;
    const unsigned modelled = std::min(length - 1, k_modelled);
    unsigned node = 1;
    for (unsigned i = 0; i < modelled; ++i) {
      const unsigned b = static_cast<unsigned>(bit_at(length - 2 - i));
      rc.bit(m_top[length][node], b);
      node = 2 * node + b;
    }
    return length - 1 - modelled;
  }

  std::array<BitTree<9>, Contexts> m_length{};
  std::array<std::array<Prob, 1u << k_modelled>, 257> m_top = filled();
  static constexpr std::array<std::array<Prob, 1u << k_modelled>, 257> filled() {
    std::array<std::array<Prob, 1u << k_modelled>, 257> a{};
    for (auto& row : a) row.fill(k_prob_half);
    return a;
  }
};

// A decimal number (number.hpp): the exponent through a 7-bit tree, then the mantissa as a number
// whose length is predicted in the context of the exponent (at most 15), since round amounts have
// short mantissas and computed ones long.
class DecimalModel {
 public:
  static constexpr unsigned k_exponent_contexts = 16;

  void encode(RangeEncoder& rc, const uint256& value) {
    const Decimal d = split_number(value);
    m_exponent.encode(rc, d.exponent);
    m_mantissa.encode(rc, std::min(d.exponent, k_exponent_contexts - 1), d.mantissa);
  }
  Result<uint256> decode(RangeDecoder& rc) {
    const unsigned e = m_exponent.decode(rc);
    ROLLUP_TRY(auto m, m_mantissa.decode(rc, std::min(e, k_exponent_contexts - 1), 256));
    return join_number(e, m);
  }

 private:
  BitTree<7> m_exponent;
  NumberModel<k_exponent_contexts> m_mantissa;
};

// The last K distinct values of a field, most recent first.
template <typename Value, std::size_t K>
class RecentList {
 public:
  static constexpr std::size_t k_size = K;

  [[nodiscard]] std::size_t size() const noexcept { return m_count; }
  [[nodiscard]] std::size_t find(const Value& v) const noexcept {
    std::size_t i = 0;
    while (i < m_count && !(m_values[i] == v)) ++i;
    return i;
  }
  // Moves entry i to the front and returns it.
  Value take(std::size_t i) {
    const Value v = m_values[i];
    to_front(i, v);
    return v;
  }
  void insert(const Value& v) {
    if (m_count < K) ++m_count;
    to_front(m_count - 1, v);
  }
  // After a value was coded (it is then at the front): what to expect next in its place.
  void replace_front(const Value& v) { m_values[0] = v; }

 private:
  void to_front(std::size_t i, const Value& v) {
    for (; i > 0; --i) m_values[i] = m_values[i - 1];
    m_values[0] = v;
  }
  std::array<Value, K> m_values{};
  std::size_t m_count = 0;
};

// Codes a value against a RecentList: a flag (0 for a hit), then on a hit the position through a
// tree of `Bits` bits; a miss leaves the literal to the caller, and the value enters the list. The
// flag's context is whether the previous value coded here was a hit, since repeats come in runs.
// An empty list codes nothing: every value is then a miss.
template <unsigned Bits>
class RecentCoder {
 public:
  // Encoder: true when the caller must code the literal.
  template <typename List, typename Value>
  bool encode(RangeEncoder& rc, List& list, const Value& v) {
    static_assert(List::k_size == (std::size_t{1} << Bits));
    if (list.size() == 0) {
      list.insert(v);
      return true;
    }
    const std::size_t i = list.find(v);
    const bool hit = i < list.size();
    rc.bit(m_hit[m_last_hit], hit ? 0 : 1);
    m_last_hit = hit ? 1 : 0;
    if (!hit) {
      list.insert(v);
      return true;
    }
    m_position.encode(rc, static_cast<unsigned>(i));
    list.take(i);
    return false;
  }

  // Decoder: a hit yields the value; on a miss the caller decodes the literal and hands it to
  // added().
  template <typename List>
  auto decode(RangeDecoder& rc, List& list) -> Result<std::optional<decltype(list.take(0))>> {
    using Value = decltype(list.take(0));
    if (list.size() == 0) return std::optional<Value>{};
    const bool hit = rc.bit(m_hit[m_last_hit]) == 0;
    m_last_hit = hit ? 1 : 0;
    if (!hit) return std::optional<Value>{};
    const unsigned i = m_position.decode(rc);
    if (i >= list.size()) return fail(Errc::bad_reference, "a recent value that does not exist");
    return std::optional<Value>{list.take(i)};
  }
  // A literal must be a value the list does not hold: one encoding per value.
  template <typename List, typename Value>
  static Result<void> added(List& list, const Value& v) {
    if (list.find(v) < list.size()) return fail(Errc::non_canonical, "a recent value coded as new");
    list.insert(v);
    return {};
  }

 private:
  std::array<Prob, 2> m_hit{k_prob_half, k_prob_half};
  unsigned m_last_hit = 0;
  BitTree<Bits> m_position;
};

// A field's sixteen most recent distinct values with their coder.
template <typename Value>
struct RecentValues {
  RecentList<Value, 16> list;
  RecentCoder<4> coder;
};

// Gas limits by recipient: a contract's calls have like gas limits whoever sends them, so each
// address of the table keeps its own last four, tried before the field's recent values.
class GasByRecipient {
 public:
  static constexpr std::size_t k_none = SIZE_MAX;
  using List = RecentList<std::uint64_t, 4>;

  List* list(std::size_t recipient) {
    if (recipient == k_none) return nullptr;
    if (recipient >= m_lists.size()) m_lists.resize(recipient + 1);
    return &m_lists[recipient];
  }
  RecentCoder<2> coder;

 private:
  std::vector<List> m_lists;
};

// Every model of the section, one per field (fields.hpp), in their initial state.
struct Models {
  NumberModel<1> timestamp, origin, tx_count, nonce, data_length, access_count, access_keys;
  // The nonces the last sixteen senders would use next (each coded nonce + 1): a sender with
  // several transactions in the batch then costs a few bits per nonce.
  RecentValues<std::uint64_t> next_nonce;
  RecentValues<std::uint64_t> block_gas_recent, tx_gas_recent;
  GasByRecipient gas_by_recipient;
  NumberModel<1> block_gas, tx_gas;
  // The address table's size and the current transaction's recipient (its table index), which
  // the sink and source track from the references they code.
  std::size_t addresses = 0;
  std::size_t recipient = GasByRecipient::k_none;
  RecentValues<uint256> price_recent, tip_recent, headroom_recent;
  DecimalModel price, tip, headroom, value, word_number;
  // References by use: a recipient, a beneficiary and an address word have different habits.
  NumberModel<1> beneficiary_ref, to_ref, selector_ref, word_address_ref, access_address_ref;
  std::array<BitTree<7>, 128> shape{};  // context: the previous transaction's shape
  unsigned last_shape = 0;
  std::array<BitTree<2>, 4> word_tag{};  // context: the previous word's tag
  unsigned last_word_tag = 0;
  // Bytes with structure, each with the previous byte of its kind as context: raw calldata
  // (code, packed arguments), and 32-byte words and storage keys (often small numbers).
  struct ByteModel {
    std::array<BitTree<8>, 256> tree{};
    unsigned last = 0;
  };
  ByteModel raw_byte, word_byte;
  ByteModel* byte_model(Field f) {
    if (f == Field::data_raw) return &raw_byte;
    if (f == Field::word_raw || f == Field::access_key) return &word_byte;
    return nullptr;  // addresses, hashes and selectors: keccak outputs, nothing to predict
  }

  // Notes a reference in the address table before it is coded.
  void referenced(Field f, std::uint64_t ref) {
    // A reference past the table fails in the caller; it must not size anything here.
    if (f == Field::selector || ref > addresses) return;
    const std::size_t index = ref == 0 ? addresses++ : static_cast<std::size_t>(ref - 1);
    if (f == Field::to) recipient = index;
  }
  void shaped(std::uint8_t coded) {
    last_shape = coded;
    recipient = GasByRecipient::k_none;  // until the recipient's reference, if any
  }

  NumberModel<1>& reference(Field f) {
    switch (f) {
      case Field::beneficiary: return beneficiary_ref;
      case Field::to: return to_ref;
      case Field::selector: return selector_ref;
      case Field::word_address: return word_address_ref;
      default: ROLLUP_ASSERT(f == Field::access_address); return access_address_ref;
    }
  }
};

class ModelSink {
 public:
  ModelSink() : m_models(std::make_unique<Models>()) {}

  void count(Field f, std::uint64_t v) {
    Models& m = *m_models;
    switch (f) {
      case Field::block_timestamp: return m.timestamp.encode(m_rc, 0, v);
      case Field::block_origin: return m.origin.encode(m_rc, 0, v);
      case Field::block_tx_count: return m.tx_count.encode(m_rc, 0, v);
      case Field::data_length: return m.data_length.encode(m_rc, 0, v);
      case Field::access_count: return m.access_count.encode(m_rc, 0, v);
      case Field::access_key_count: return m.access_keys.encode(m_rc, 0, v);
      case Field::block_gas_limit:
        if (m.block_gas_recent.coder.encode(m_rc, m.block_gas_recent.list, v)) {
          m.block_gas.encode(m_rc, 0, v);
        }
        return;
      case Field::tx_nonce:
        if (m.next_nonce.coder.encode(m_rc, m.next_nonce.list, v)) m.nonce.encode(m_rc, 0, v);
        m.next_nonce.list.replace_front(v + 1);  // wraps at 2^64 on both sides alike
        return;
      case Field::tx_gas: {
        auto* own = m.gas_by_recipient.list(m.recipient);
        if (own != nullptr && !m.gas_by_recipient.coder.encode(m_rc, *own, v)) return;
        if (m.tx_gas_recent.coder.encode(m_rc, m.tx_gas_recent.list, v)) {
          m.tx_gas.encode(m_rc, 0, v);
        }
        return;
      }
      default: ROLLUP_ASSERT(false && "not a count field");
    }
  }

  void number(Field f, const uint256& v) {
    Models& m = *m_models;
    switch (f) {
      case Field::fee_price:
        if (m.price_recent.coder.encode(m_rc, m.price_recent.list, v)) m.price.encode(m_rc, v);
        return;
      case Field::fee_tip:
        if (m.tip_recent.coder.encode(m_rc, m.tip_recent.list, v)) m.tip.encode(m_rc, v);
        return;
      case Field::fee_headroom:
        if (m.headroom_recent.coder.encode(m_rc, m.headroom_recent.list, v)) {
          m.headroom.encode(m_rc, v);
        }
        return;
      case Field::value: return m.value.encode(m_rc, v);
      case Field::word_number: return m.word_number.encode(m_rc, v);
      default: ROLLUP_ASSERT(false && "not a number field");
    }
  }

  void byte(Field f, std::uint8_t b) {
    Models& m = *m_models;
    if (f == Field::tx_shape) {
      ROLLUP_ASSERT(b < 128);
      m.shape[m.last_shape].encode(m_rc, b);
      m.shaped(b);
    } else {
      ROLLUP_ASSERT(f == Field::word_tag && b < 4);
      m.word_tag[m.last_word_tag].encode(m_rc, b);
      m.last_word_tag = b;
    }
  }

  void bytes(Field f, ByteView data) {
    if (auto* model = m_models->byte_model(f)) {
      for (const std::uint8_t b : data) {
        model->tree[model->last].encode(m_rc, b);
        model->last = b;
      }
      return;
    }
    for (const std::uint8_t b : data) m_rc.direct(b, 8);
  }

  void reference(Field f, std::uint64_t ref) {
    m_models->referenced(f, ref);
    m_models->reference(f).encode(m_rc, 0, ref);
  }

  Bytes finish() { return m_rc.finish(); }

 private:
  std::unique_ptr<Models> m_models;
  RangeEncoder m_rc;
};

class ModelSource {
 public:
  ModelSource(ByteView section, std::size_t budget)
      : m_models(std::make_unique<Models>()), m_rc(section), m_budget(budget) {}

  Result<std::uint64_t> count(Field f) {
    Models& m = *m_models;
    switch (f) {
      case Field::block_timestamp: return u64(m.timestamp);
      case Field::block_origin: return u64(m.origin);
      case Field::block_tx_count: return u64(m.tx_count);
      case Field::tx_nonce: {
        ROLLUP_TRY(auto v, recent_u64(m.next_nonce, m.nonce));
        m.next_nonce.list.replace_front(v + 1);
        return v;
      }
      case Field::data_length: return u64(m.data_length);
      case Field::access_count: return u64(m.access_count);
      case Field::access_key_count: return u64(m.access_keys);
      case Field::block_gas_limit: return recent_u64(m.block_gas_recent, m.block_gas);
      case Field::tx_gas: return tx_gas();
      default: ROLLUP_ASSERT(false && "not a count field"); return 0;
    }
  }

  Result<uint256> number(Field f) {
    Models& m = *m_models;
    switch (f) {
      case Field::fee_price: return recent_decimal(m.price_recent, m.price);
      case Field::fee_tip: return recent_decimal(m.tip_recent, m.tip);
      case Field::fee_headroom: return recent_decimal(m.headroom_recent, m.headroom);
      case Field::value: return m.value.decode(m_rc);
      case Field::word_number: return m.word_number.decode(m_rc);
      default: ROLLUP_ASSERT(false && "not a number field"); return uint256();
    }
  }

  Result<std::uint8_t> byte(Field f) {
    Models& m = *m_models;
    if (overrun()) return fail(Errc::truncated, "the modelled section");
    if (f == Field::tx_shape) {
      const auto shape = static_cast<std::uint8_t>(m.shape[m.last_shape].decode(m_rc));
      m.shaped(shape);
      return shape;
    }
    m.last_word_tag = m.word_tag[m.last_word_tag].decode(m_rc);
    return static_cast<std::uint8_t>(m.last_word_tag);
  }

  // The caller has charged the size (charge()) before allocating `out`.
  Result<void> bytes(Field f, std::uint8_t* out, std::size_t n) {
    if (auto* model = m_models->byte_model(f)) {
      for (std::size_t i = 0; i < n; ++i) {
        model->last = model->tree[model->last].decode(m_rc);
        out[i] = static_cast<std::uint8_t>(model->last);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(m_rc.direct(8));
    }
    if (overrun()) return fail(Errc::truncated, "the modelled section");
    return {};
  }

  Result<std::uint64_t> reference(Field f) {
    ROLLUP_TRY(auto ref, u64(m_models->reference(f)));
    m_models->referenced(f, ref);
    return ref;
  }

  // Reserves decoded bytes against the budget before the caller allocates them: n items of
  // `each` bytes.
  Result<void> charge(std::uint64_t n, std::size_t each) {
    if (n > m_budget / each) return fail(Errc::limit_exceeded, "the modelled section's budget");
    m_budget -= static_cast<std::size_t>(n) * each;
    return {};
  }

  [[nodiscard]] bool overrun() const noexcept { return m_rc.overrun(); }

  Result<void> finish() const {
    if (m_rc.overrun()) return fail(Errc::truncated, "the modelled section");
    if (!m_rc.finish()) return fail(Errc::non_canonical, "the modelled section's coding");
    return {};
  }

 private:
  Result<std::uint64_t> u64(NumberModel<1>& model) {
    if (overrun()) return fail(Errc::truncated, "the modelled section");
    ROLLUP_TRY(auto v, model.decode(m_rc, 0, 64));
    return v.w[0];
  }
  Result<std::uint64_t> recent_u64(RecentValues<std::uint64_t>& recent, NumberModel<1>& model) {
    ROLLUP_TRY(auto hit, recent.coder.decode(m_rc, recent.list));
    if (hit) return *hit;
    ROLLUP_TRY(auto v, u64(model));
    ROLLUP_TRY_VOID(recent.coder.added(recent.list, v));
    return v;
  }
  Result<std::uint64_t> tx_gas() {
    Models& m = *m_models;
    auto* own = m.gas_by_recipient.list(m.recipient);
    if (own != nullptr) {
      ROLLUP_TRY(auto hit, m.gas_by_recipient.coder.decode(m_rc, *own));
      if (hit) return *hit;
    }
    ROLLUP_TRY(auto v, recent_u64(m.tx_gas_recent, m.tx_gas));
    if (own != nullptr) ROLLUP_TRY_VOID(m.gas_by_recipient.coder.added(*own, v));
    return v;
  }
  Result<uint256> recent_decimal(RecentValues<uint256>& recent, DecimalModel& model) {
    if (overrun()) return fail(Errc::truncated, "the modelled section");
    ROLLUP_TRY(auto hit, recent.coder.decode(m_rc, recent.list));
    if (hit) return *hit;
    ROLLUP_TRY(auto v, model.decode(m_rc));
    ROLLUP_TRY_VOID(recent.coder.added(recent.list, v));
    return v;
  }

  std::unique_ptr<Models> m_models;
  RangeDecoder m_rc;
  std::size_t m_budget;
};

}  // namespace rollup::batch::detail
