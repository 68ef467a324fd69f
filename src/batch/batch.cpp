// The batch codec. docs/protocol.md ("Batches") is the specification; the stream numbers, the
// shape bits, the models and the number, reference and word encodings below follow it field for
// field.
//
// One walk over the batch (Encoder, Decoder) produces or consumes the fields in the order the
// specification gives; where they go is the section form's business: StreamSink/StreamSource put
// each field in its column (for zstd, brotli or none), ModelSink/ModelSource (model.hpp) code it
// with the range coder.

#include "rollup/batch/batch.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "compress.hpp"
#include "fields.hpp"
#include "model.hpp"
#include "number.hpp"
#include "rollup/base/assert.hpp"
#include "varint.hpp"

namespace rollup::batch {
namespace {

using detail::Field;

constexpr std::uint8_t k_version = 1;
constexpr int k_default_zstd_level = 19;
constexpr int k_default_brotli_level = 11;

// The columns of the column form, in the order they are written. The order groups streams whose
// bytes look alike, which helps the compressor's entropy stage.
enum Stream : std::size_t {
  s_block_timestamp,
  s_block_gas_limit,
  s_block_beneficiary,
  s_block_origin,
  s_origin_hash,
  s_block_tx_count,
  s_tx_shape,
  s_tx_nonce,
  s_tx_gas,
  s_fee_exponent,  // number exponents: gas price, or priority fee then headroom
  s_fee_mantissa,  // number mantissas, same order
  s_value_exponent,
  s_value_mantissa,
  s_to,
  s_data_length,
  s_selector,
  s_new_selector,
  s_word_tag,
  s_word_address,
  s_word_exponent,
  s_word_mantissa,
  s_word_raw,
  s_data_raw,
  s_access_list,  // entry count; per entry an address reference, key count, keys
  s_new_address,
  k_stream_count
};

// The column of each field (for numbers, the exponent's; the mantissa's is the next one).
constexpr Stream stream_of(Field f) {
  switch (f) {
    case Field::block_timestamp: return s_block_timestamp;
    case Field::block_gas_limit: return s_block_gas_limit;
    case Field::beneficiary: return s_block_beneficiary;
    case Field::block_origin: return s_block_origin;
    case Field::origin_hash: return s_origin_hash;
    case Field::block_tx_count: return s_block_tx_count;
    case Field::tx_shape: return s_tx_shape;
    case Field::tx_nonce: return s_tx_nonce;
    case Field::tx_gas: return s_tx_gas;
    case Field::fee_price:
    case Field::fee_tip:
    case Field::fee_headroom: return s_fee_exponent;
    case Field::value: return s_value_exponent;
    case Field::to: return s_to;
    case Field::data_length: return s_data_length;
    case Field::selector: return s_selector;
    case Field::new_selector: return s_new_selector;
    case Field::word_tag: return s_word_tag;
    case Field::word_address: return s_word_address;
    case Field::word_number: return s_word_exponent;
    case Field::word_raw: return s_word_raw;
    case Field::data_raw: return s_data_raw;
    case Field::access_count:
    case Field::access_address:
    case Field::access_key_count:
    case Field::access_key: return s_access_list;
    case Field::new_address: return s_new_address;
  }
  return k_stream_count;
}

// Shape byte of a transaction.
constexpr std::uint8_t k_shape_type_mask = 0x03;    // 0 legacy, 1 EIP-2930, 2 EIP-1559
constexpr std::uint8_t k_shape_protected = 0x04;    // legacy with EIP-155 replay protection
constexpr std::uint8_t k_shape_create = 0x08;       // no recipient
constexpr std::uint8_t k_shape_access_list = 0x10;  // non-empty access list (typed only)
constexpr std::uint8_t k_shape_data_shift = 5;      // bits 5-6: data form
constexpr std::uint8_t k_shape_data_mask = 0x60;
constexpr std::uint8_t k_data_empty = 0, k_data_abi = 1, k_data_raw = 2;

constexpr std::uint8_t k_word_zero = 0, k_word_address = 1, k_word_number = 2, k_word_raw = 3;

constexpr std::size_t k_signature_bytes = 64;

// --- the column form ----------------------------------------------------------------------------

class StreamSink {
 public:
  void count(Field f, std::uint64_t v) { put_varint(s(f), v); }
  void number(Field f, const uint256& v) {
    const detail::Decimal d = detail::split_number(v);
    m_streams[stream_of(f)].push_back(static_cast<std::uint8_t>(d.exponent));
    put_varint(m_streams[stream_of(f) + 1], d.mantissa);
  }
  void byte(Field f, std::uint8_t b) { s(f).push_back(b); }
  void bytes(Field f, ByteView data) { s(f).insert(s(f).end(), data.begin(), data.end()); }
  void reference(Field f, std::uint64_t ref) { put_varint(s(f), ref); }

  [[nodiscard]] Bytes finish() const {
    std::size_t total = 0;
    for (const auto& stream : m_streams) total += stream.size() + 5;
    Bytes out;
    out.reserve(total);
    for (const auto& stream : m_streams) {
      put_varint(out, stream.size());
      out.insert(out.end(), stream.begin(), stream.end());
    }
    return out;
  }

 private:
  Bytes& s(Field f) { return m_streams[stream_of(f)]; }
  std::array<Bytes, k_stream_count> m_streams;
};

class StreamSource {
 public:
  explicit StreamSource(ByteView structured) : m_rest(structured) {}

  Result<void> open() {
    for (auto& stream : m_streams) {
      ROLLUP_TRY(auto length, m_rest.varint());
      ROLLUP_TRY(auto bytes, m_rest.take(length));
      stream = Reader(bytes);
    }
    if (!m_rest.empty()) return fail(Errc::trailing_bytes, "after the last stream");
    return {};
  }

  Result<std::uint64_t> count(Field f) { return s(f).varint(); }
  Result<uint256> number(Field f) {
    ROLLUP_TRY(auto e, m_streams[stream_of(f)].byte());
    ROLLUP_TRY(auto m, m_streams[stream_of(f) + 1].varint256());
    return detail::join_number(e, m);
  }
  Result<std::uint8_t> byte(Field f) { return s(f).byte(); }
  Result<void> bytes(Field f, std::uint8_t* out, std::size_t n) {
    ROLLUP_TRY(auto in, s(f).take(n));
    std::copy(in.begin(), in.end(), out);
    return {};
  }
  Result<std::uint64_t> reference(Field f) { return s(f).varint(); }

  // Bounds a count read from the input before anything is allocated for it: every item takes at
  // least one byte of its stream (a key 32), so a count the stream cannot hold is a truncation.
  Result<void> reserve(Field f, std::uint64_t n) {
    const std::uint64_t each = f == Field::access_key ? 32 : 1;
    if (n > s(f).remaining() / each) return fail(Errc::truncated, "a count past its stream");
    return {};
  }

  Result<void> finish() {
    for (std::size_t i = 0; i < m_streams.size(); ++i) {
      if (!m_streams[i].empty()) {
        return fail(Errc::trailing_bytes, "stream " + std::to_string(i) + " not used up");
      }
    }
    return {};
  }

 private:
  Reader& s(Field f) { return m_streams[stream_of(f)]; }
  Reader m_rest;
  std::array<Reader, k_stream_count> m_streams{};
};

// The modelled form's decoder also charges what it allocates against the decompressed-size limit.
class BudgetedModelSource : public detail::ModelSource {
 public:
  using ModelSource::ModelSource;
  Result<void> reserve(Field f, std::uint64_t n) {
    switch (f) {
      // docs/protocol.md fixes these charges, so every decoder accepts the same batches.
      case Field::word_tag: return charge(n, 32);
      case Field::access_count: return charge(n, 64);
      case Field::access_key: return charge(n, 32);
      default: return charge(n, 1);
    }
  }
};

// --- tables: values seen earlier in the batch are written as their index + 1; 0 means "new" ---

template <typename Key>
class EncodeTable {
 public:
  // Writes the reference; a new key also goes to its literal field.
  template <typename Sink>
  void put(Sink& sink, Field ref, Field literal, const Key& key) {
    auto [it, inserted] = m_index.try_emplace(key, m_index.size());
    if (inserted) {
      sink.reference(ref, 0);
      sink.bytes(literal, key.view());
    } else {
      sink.reference(ref, it->second + 1);
    }
  }
  [[nodiscard]] bool contains(const Key& key) const { return m_index.contains(key); }

 private:
  std::unordered_map<Key, std::size_t> m_index;
};

template <typename Key>
class DecodeTable {
 public:
  // `was_new`, when given, tells whether the value was written out rather than referenced.
  template <typename Source>
  Result<Key> get(Source& src, Field ref_field, Field literal, std::string_view what,
                  bool* was_new = nullptr) {
    ROLLUP_TRY(auto ref, src.reference(ref_field));
    if (was_new != nullptr) *was_new = ref == 0;
    if (ref != 0) {
      if (ref > m_entries.size()) {
        return fail(Errc::bad_reference, std::string(what) + ": entry " + std::to_string(ref) +
                                             " of " + std::to_string(m_entries.size()));
      }
      return m_entries[ref - 1];
    }
    Key key;
    ROLLUP_TRY_VOID(src.bytes(literal, key.bytes.data(), key.bytes.size()));
    // A key already in the table must be written as its reference: one encoding per batch.
    if (!m_seen.emplace(key).second) {
      return fail(Errc::non_canonical, std::string(what) + ": a known value written again");
    }
    m_entries.push_back(key);
    return key;
  }
  [[nodiscard]] bool contains(const Key& key) const { return m_seen.contains(key); }

 private:
  std::vector<Key> m_entries;
  std::unordered_set<Key> m_seen;
};

using Selector = FixedBytes<4>;

// --- calldata --------------------------------------------------------------------------------

std::uint8_t data_form(std::size_t size) {
  if (size == 0) return k_data_empty;
  return size >= 4 && (size - 4) % 32 == 0 ? k_data_abi : k_data_raw;
}

bool top_zero(const std::uint8_t* word, std::size_t n) {
  return std::all_of(word, word + n, [](std::uint8_t b) { return b == 0; });
}

// The one tag a word may have, given the addresses known before it. A word whose first 12 bytes
// are zero is an address when its last 20 bytes are known or when it is too large for a number
// below 2^128 (bytes 12..15 not all zero); other such words are numbers. Anything wider is raw.
template <typename Table>
std::uint8_t word_tag(const std::uint8_t* word, const Table& addresses) {
  if (top_zero(word, 32)) return k_word_zero;
  if (!top_zero(word, 12)) return k_word_raw;
  Address a;
  std::copy(word + 12, word + 32, a.bytes.begin());
  if (addresses.contains(a) || !top_zero(word + 12, 4)) return k_word_address;
  return k_word_number;
}

// --- encoder ---------------------------------------------------------------------------------

template <typename Sink>
class Encoder {
 public:
  explicit Encoder(std::uint64_t chain_id) : m_chain_id(chain_id) {}

  Result<void> block(const BlockData& b, const BlockData* previous) {
    if (previous != nullptr) {
      if (b.number != previous->number + 1) return invalid("block numbers are not consecutive");
      if (b.timestamp < previous->timestamp) return invalid("a timestamp goes back");
      if (b.origin.number < previous->origin.number) return invalid("an L1 origin goes back");
      if (b.origin.number == previous->origin.number && b.origin.hash != previous->origin.hash) {
        return invalid("one L1 origin number with two hashes");
      }
      m_sink.count(Field::block_timestamp, b.timestamp - previous->timestamp);
      m_sink.count(Field::block_origin, b.origin.number - previous->origin.number);
      if (b.origin.number != previous->origin.number) {
        m_sink.bytes(Field::origin_hash, b.origin.hash.view());
      }
    } else {
      m_sink.count(Field::block_timestamp, b.timestamp);
      m_sink.count(Field::block_origin, b.origin.number);
      m_sink.bytes(Field::origin_hash, b.origin.hash.view());
    }
    m_sink.count(Field::block_gas_limit, b.gas_limit);
    m_addresses.put(m_sink, Field::beneficiary, Field::new_address, b.beneficiary);
    m_sink.count(Field::block_tx_count, b.transactions.size());
    for (const auto& t : b.transactions) ROLLUP_TRY_VOID(transaction(t));
    return {};
  }

  [[nodiscard]] const std::vector<const types::Transaction*>& signed_transactions() const {
    return m_signed;
  }

  Bytes finish() { return m_sink.finish(); }

 private:
  static std::unexpected<Error> invalid(std::string what) {
    return fail(Errc::invalid_batch, std::move(what));
  }

  Result<void> transaction(const types::Transaction& t) {
    std::uint8_t shape = 0;
    switch (t.type) {
      case types::TxType::legacy:
        if (t.chain_id) shape |= k_shape_protected;
        break;
      case types::TxType::access_list: shape |= 1; break;
      case types::TxType::dynamic_fee: shape |= 2; break;
      case types::TxType::blob: return invalid("blob transactions have no batch form");
    }
    if (t.chain_id && *t.chain_id != m_chain_id) {
      return invalid("a transaction of chain " + std::to_string(*t.chain_id));
    }
    if (t.type == types::TxType::legacy && !t.access_list.empty()) {
      return invalid("a legacy transaction with an access list");
    }
    if (t.y_parity > 1) return invalid("y parity above 1");
    if (t.s.w[3] >> 63 != 0) return invalid("a signature s above n/2");
    if (t.type == types::TxType::dynamic_fee) {
      if (t.max_fee_per_gas < t.max_priority_fee_per_gas) {
        return invalid("a priority fee above the fee cap");
      }
    } else if (t.max_fee_per_gas != t.max_priority_fee_per_gas) {
      return invalid("a one-price transaction with two fee fields");
    }
    if (t.is_create()) shape |= k_shape_create;
    if (!t.access_list.empty()) shape |= k_shape_access_list;
    const std::uint8_t form = data_form(t.data.size());
    shape |= static_cast<std::uint8_t>(form << k_shape_data_shift);
    m_sink.byte(Field::tx_shape, shape);
    // The recipient first: the modelled form predicts the gas limit from it.
    if (t.to) m_addresses.put(m_sink, Field::to, Field::new_address, *t.to);
    m_sink.count(Field::tx_nonce, t.nonce);
    m_sink.count(Field::tx_gas, t.gas_limit);
    if (t.type == types::TxType::dynamic_fee) {
      // Wallets price a transaction as a multiple of a recent base fee plus the priority fee, so
      // the difference repeats across a block's transactions where the cap itself does not.
      m_sink.number(Field::fee_tip, t.max_priority_fee_per_gas);
      m_sink.number(Field::fee_headroom, t.max_fee_per_gas - t.max_priority_fee_per_gas);
    } else {
      m_sink.number(Field::fee_price, t.max_fee_per_gas);
    }
    m_sink.number(Field::value, t.value);
    data(t.data, form);
    if (!t.access_list.empty()) {
      m_sink.count(Field::access_count, t.access_list.size());
      for (const auto& entry : t.access_list) {
        m_addresses.put(m_sink, Field::access_address, Field::new_address, entry.address);
        m_sink.count(Field::access_key_count, entry.storage_keys.size());
        for (const auto& key : entry.storage_keys) m_sink.bytes(Field::access_key, key.view());
      }
    }
    m_signed.push_back(&t);
    return {};
  }

  void data(const Bytes& d, std::uint8_t form) {
    if (form == k_data_empty) return;
    if (form == k_data_raw) {
      m_sink.count(Field::data_length, d.size());
      m_sink.bytes(Field::data_raw, d);
      return;
    }
    const std::size_t words = (d.size() - 4) / 32;
    m_sink.count(Field::data_length, words);
    Selector sel;
    std::copy_n(d.begin(), 4, sel.bytes.begin());
    m_selectors.put(m_sink, Field::selector, Field::new_selector, sel);
    for (std::size_t i = 0; i < words; ++i) {
      const std::uint8_t* w = d.data() + 4 + 32 * i;
      const std::uint8_t tag = word_tag(w, m_addresses);
      m_sink.byte(Field::word_tag, tag);
      switch (tag) {
        case k_word_zero: break;
        case k_word_address: {
          Address a;
          std::copy(w + 12, w + 32, a.bytes.begin());
          m_addresses.put(m_sink, Field::word_address, Field::new_address, a);
          break;
        }
        case k_word_number: m_sink.number(Field::word_number, uint256::from_be32(w)); break;
        default: m_sink.bytes(Field::word_raw, ByteView(w, 32)); break;
      }
    }
  }

  std::uint64_t m_chain_id;
  Sink m_sink;
  EncodeTable<Address> m_addresses;
  EncodeTable<Selector> m_selectors;
  std::vector<const types::Transaction*> m_signed;
};

// --- decoder ---------------------------------------------------------------------------------

template <typename Source>
class Decoder {
 public:
  Decoder(std::uint64_t chain_id, Source& source, std::uint64_t transactions)
      : m_chain_id(chain_id), m_src(source), m_remaining_transactions(transactions) {}

  Result<BlockData> block(std::uint64_t number, const BlockData* previous) {
    BlockData b;
    b.number = number;
    ROLLUP_TRY(auto time, m_src.count(Field::block_timestamp));
    ROLLUP_TRY(auto origin, m_src.count(Field::block_origin));
    if (previous != nullptr) {
      if (time > UINT64_MAX - previous->timestamp ||
          origin > UINT64_MAX - previous->origin.number) {
        return fail(Errc::inconsistent, "a block's timestamp or L1 origin passes 2^64");
      }
      b.timestamp = previous->timestamp + time;
      b.origin.number = previous->origin.number + origin;
      if (origin == 0) b.origin.hash = previous->origin.hash;
    } else {
      b.timestamp = time;
      b.origin.number = origin;
    }
    if (previous == nullptr || origin != 0) {
      ROLLUP_TRY_VOID(m_src.bytes(Field::origin_hash, b.origin.hash.bytes.data(), 32));
    }
    ROLLUP_TRY(auto gas_limit, m_src.count(Field::block_gas_limit));
    b.gas_limit = gas_limit;
    ROLLUP_TRY(auto beneficiary,
               m_addresses.get(m_src, Field::beneficiary, Field::new_address, "beneficiary"));
    b.beneficiary = beneficiary;
    ROLLUP_TRY(auto count, m_src.count(Field::block_tx_count));
    if (count > m_remaining_transactions) {
      return fail(Errc::inconsistent, "blocks hold more transactions than the batch");
    }
    m_remaining_transactions -= count;
    b.transactions.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      ROLLUP_TRY(auto t, transaction());
      b.transactions.push_back(std::move(t));
    }
    return b;
  }

  Result<void> finish() {
    if (m_remaining_transactions != 0) {
      return fail(Errc::inconsistent, "the blocks hold fewer transactions than the batch");
    }
    return m_src.finish();
  }

 private:
  Result<types::Transaction> transaction() {
    types::Transaction t;
    ROLLUP_TRY(auto shape, m_src.byte(Field::tx_shape));
    const std::uint8_t type = shape & k_shape_type_mask;
    const std::uint8_t form = (shape & k_shape_data_mask) >> k_shape_data_shift;
    if ((shape & 0x80) != 0 || type == 3 || form == 3) {
      return fail(Errc::non_canonical, "transaction shape " + std::to_string(shape));
    }
    if (type != 0 && (shape & k_shape_protected) != 0) {
      return fail(Errc::non_canonical, "a typed transaction marked EIP-155");
    }
    if (type == 0 && (shape & k_shape_access_list) != 0) {
      return fail(Errc::non_canonical, "a legacy transaction with an access list");
    }
    t.type = static_cast<types::TxType>(type);
    if (type != 0 || (shape & k_shape_protected) != 0) t.chain_id = m_chain_id;
    if ((shape & k_shape_create) == 0) {
      ROLLUP_TRY(auto to, m_addresses.get(m_src, Field::to, Field::new_address, "recipient"));
      t.to = to;
    }
    ROLLUP_TRY(auto nonce, m_src.count(Field::tx_nonce));
    t.nonce = nonce;
    ROLLUP_TRY(auto gas, m_src.count(Field::tx_gas));
    t.gas_limit = gas;
    if (t.type == types::TxType::dynamic_fee) {
      ROLLUP_TRY(auto tip, m_src.number(Field::fee_tip));
      ROLLUP_TRY(auto headroom, m_src.number(Field::fee_headroom));
      if (headroom > uint256::max() - tip) return fail(Errc::inconsistent, "fee cap above 2^256");
      t.max_priority_fee_per_gas = tip;
      t.max_fee_per_gas = tip + headroom;
    } else {
      ROLLUP_TRY(auto price, m_src.number(Field::fee_price));
      t.max_priority_fee_per_gas = price;
      t.max_fee_per_gas = price;
    }
    ROLLUP_TRY(auto value, m_src.number(Field::value));
    t.value = value;
    ROLLUP_TRY_VOID(data(t.data, form));
    if ((shape & k_shape_access_list) != 0) ROLLUP_TRY_VOID(access_list(t.access_list));
    return t;
  }

  Result<void> access_list(types::AccessList& out) {
    ROLLUP_TRY(auto entries, m_src.count(Field::access_count));
    if (entries == 0) return fail(Errc::non_canonical, "an empty access list marked present");
    ROLLUP_TRY_VOID(m_src.reserve(Field::access_count, entries));
    out.reserve(entries);
    for (std::uint64_t i = 0; i < entries; ++i) {
      types::AccessListEntry entry;
      ROLLUP_TRY(auto address,
                 m_addresses.get(m_src, Field::access_address, Field::new_address, "access list"));
      entry.address = address;
      ROLLUP_TRY(auto keys, m_src.count(Field::access_key_count));
      ROLLUP_TRY_VOID(m_src.reserve(Field::access_key, keys));
      entry.storage_keys.resize(keys);
      for (auto& key : entry.storage_keys) {
        ROLLUP_TRY_VOID(m_src.bytes(Field::access_key, key.bytes.data(), 32));
      }
      out.push_back(std::move(entry));
    }
    return {};
  }

  Result<void> data(Bytes& out, std::uint8_t form) {
    if (form == k_data_empty) return {};
    ROLLUP_TRY(auto length, m_src.count(Field::data_length));
    if (form == k_data_raw) {
      ROLLUP_TRY_VOID(m_src.reserve(Field::data_raw, length));
      out.resize(length);
      ROLLUP_TRY_VOID(m_src.bytes(Field::data_raw, out.data(), out.size()));
      if (data_form(out.size()) != k_data_raw) {
        return fail(Errc::non_canonical, "raw calldata of the ABI form or empty");
      }
      return {};
    }
    // Each word has a tag, so the tags bound the count before anything is allocated.
    ROLLUP_TRY_VOID(m_src.reserve(Field::word_tag, length));
    out.resize(4 + 32 * length);
    ROLLUP_TRY(auto sel, m_selectors.get(m_src, Field::selector, Field::new_selector, "selector"));
    std::copy(sel.bytes.begin(), sel.bytes.end(), out.begin());
    for (std::uint64_t i = 0; i < length; ++i) {
      std::uint8_t* w = out.data() + 4 + 32 * i;
      ROLLUP_TRY(auto tag, m_src.byte(Field::word_tag));
      switch (tag) {
        case k_word_zero: break;
        case k_word_address: {
          bool was_new = false;
          ROLLUP_TRY(auto a, m_addresses.get(m_src, Field::word_address, Field::new_address,
                                             "calldata", &was_new));
          std::copy(a.bytes.begin(), a.bytes.end(), w + 12);
          // A word below 2^128 is an address only when the address was known before it, and the
          // zero word is always the zero form (even when the zero address is in the table).
          if (a.is_zero() || (was_new && top_zero(w + 12, 4))) {
            return fail(Errc::non_canonical, "an address word of another form");
          }
          break;
        }
        case k_word_number: {
          ROLLUP_TRY(auto v, m_src.number(Field::word_number));
          v.to_be32(w);
          if (word_tag(w, m_addresses) != k_word_number) {
            return fail(Errc::non_canonical, "a number word of another form");
          }
          break;
        }
        case k_word_raw: {
          ROLLUP_TRY_VOID(m_src.bytes(Field::word_raw, w, 32));
          if (top_zero(w, 12)) return fail(Errc::non_canonical, "a raw word of another form");
          break;
        }
        default: return fail(Errc::non_canonical, "word tag " + std::to_string(tag));
      }
    }
    return {};
  }

  std::uint64_t m_chain_id;
  Source& m_src;
  DecodeTable<Address> m_addresses;
  DecodeTable<Selector> m_selectors;
  std::uint64_t m_remaining_transactions = 0;
};

template <typename Sink>
Result<std::pair<Bytes, std::vector<const types::Transaction*>>> walk(const Batch& batch) {
  Encoder<Sink> enc(batch.chain_id);
  for (std::size_t i = 0; i < batch.blocks.size(); ++i) {
    ROLLUP_TRY_VOID(enc.block(batch.blocks[i], i == 0 ? nullptr : &batch.blocks[i - 1]));
  }
  auto txs = enc.signed_transactions();
  return std::pair{enc.finish(), std::move(txs)};
}

template <typename Source>
Result<void> unwalk(Batch& batch, Source& src, std::uint64_t first, std::uint64_t blocks,
                    std::uint64_t tx_count) {
  Decoder<Source> dec(batch.chain_id, src, tx_count);
  // Grown as blocks decode rather than reserved from the header's count: a block may take a
  // fraction of a byte in the modelled form, and the count alone is not yet checked against the
  // input.
  for (std::uint64_t i = 0; i < blocks; ++i) {
    ROLLUP_TRY(auto b, dec.block(first + i, i == 0 ? nullptr : &batch.blocks.back()));
    batch.blocks.push_back(std::move(b));
  }
  return dec.finish();
}

}  // namespace

Result<Bytes> encode_batch(const Batch& batch, const EncodeOptions& options) {
  if (batch.blocks.empty()) return fail(Errc::invalid_batch, "no blocks");
  Bytes section;
  std::vector<const types::Transaction*> txs;
  if (options.compression == Compression::modelled) {
    ROLLUP_TRY(auto walked, walk<detail::ModelSink>(batch));
    std::tie(section, txs) = std::move(walked);
  } else {
    ROLLUP_TRY(auto walked, walk<StreamSink>(batch));
    int level = options.level;
    if (level == 0) {
      level = options.compression == Compression::brotli ? k_default_brotli_level
                                                         : k_default_zstd_level;
    }
    section = detail::compress(options.compression, level, walked.first);
    txs = std::move(walked.second);
  }

  Bytes out;
  out.reserve(section.size() + txs.size() * (k_signature_bytes + 1) + 128);
  out.push_back(k_version);
  out.push_back(static_cast<std::uint8_t>(options.compression));
  put_varint(out, batch.chain_id);
  put_varint(out, batch.blocks.front().number);
  put_varint(out, batch.blocks.size());
  put_varint(out, txs.size());
  out.insert(out.end(), batch.parent_hash.bytes.begin(), batch.parent_hash.bytes.end());
  out.insert(out.end(), batch.last_hash.bytes.begin(), batch.last_hash.bytes.end());
  put_varint(out, section.size());
  out.insert(out.end(), section.begin(), section.end());
  // Signatures last and uncompressed: r and s are uniformly random, so a compressor would only
  // spend time on them. s is at most n/2 (EIP-2), below 2^255, so its top bit carries y parity.
  const std::size_t sig_at = out.size();
  out.resize(out.size() + txs.size() * k_signature_bytes);
  for (std::size_t i = 0; i < txs.size(); ++i) {
    std::uint8_t* p = out.data() + sig_at + i * k_signature_bytes;
    txs[i]->r.to_be32(p);
    txs[i]->s.to_be32(p + 32);
    p[32] |= static_cast<std::uint8_t>(txs[i]->y_parity << 7);
  }
  return out;
}

Result<Batch> decode_batch(ByteView payload, const Limits& limits) {
  Reader in(payload);
  ROLLUP_TRY(auto version, in.byte());
  if (version != k_version) {
    return fail(Errc::unknown_version, "batch version " + std::to_string(version));
  }
  ROLLUP_TRY(auto algorithm, in.byte());
  if (algorithm > static_cast<std::uint8_t>(Compression::modelled)) {
    return fail(Errc::unknown_compression, "code " + std::to_string(algorithm));
  }
  Batch batch;
  ROLLUP_TRY(auto chain_id, in.varint());
  batch.chain_id = chain_id;
  ROLLUP_TRY(auto first, in.varint());
  ROLLUP_TRY(auto blocks, in.varint());
  ROLLUP_TRY(auto tx_count, in.varint());
  if (blocks == 0) return fail(Errc::inconsistent, "a batch without blocks");
  if (blocks > limits.max_blocks || tx_count > limits.max_transactions) {
    return fail(Errc::limit_exceeded,
                std::to_string(blocks) + " blocks, " + std::to_string(tx_count) + " transactions");
  }
  if (first > UINT64_MAX - (blocks - 1)) return fail(Errc::inconsistent, "block numbers pass 2^64");
  ROLLUP_TRY(auto parent, in.fixed<32>());
  ROLLUP_TRY(auto last, in.fixed<32>());
  batch.parent_hash = parent;
  batch.last_hash = last;
  ROLLUP_TRY(auto section_size, in.varint());
  ROLLUP_TRY(auto section, in.take(section_size));
  // The signature section's size is fixed by the count, so a wrong count fails here, before any
  // decompression work.
  if (in.remaining() != tx_count * k_signature_bytes) {
    return fail(
        in.remaining() < tx_count * k_signature_bytes ? Errc::truncated : Errc::trailing_bytes,
        "signature section");
  }
  const auto compression = static_cast<Compression>(algorithm);
  if (compression == Compression::modelled) {
    BudgetedModelSource src(section, limits.max_decompressed_bytes);
    ROLLUP_TRY_VOID(unwalk(batch, src, first, blocks, tx_count));
  } else {
    ROLLUP_TRY(auto structured,
               detail::decompress(compression, section, limits.max_decompressed_bytes));
    StreamSource src(structured);
    ROLLUP_TRY_VOID(src.open());
    ROLLUP_TRY_VOID(unwalk(batch, src, first, blocks, tx_count));
  }
  const std::uint8_t* sig = in.position();
  for (auto& b : batch.blocks) {
    for (auto& t : b.transactions) {
      t.r = uint256::from_be32(sig);
      t.y_parity = sig[32] >> 7;
      t.s = uint256::from_be32(sig + 32);
      t.s.w[3] &= ~(1ULL << 63);
      sig += k_signature_bytes;
    }
  }
  return batch;
}

}  // namespace rollup::batch
