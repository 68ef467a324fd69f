// The batch codec. docs/protocol.md ("Batches") is the specification; the stream numbers, the
// shape bits and the number, reference and word encodings below follow it field for field.

#include "rollup/batch/batch.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "compress.hpp"
#include "rollup/base/assert.hpp"
#include "varint.hpp"

namespace rollup::batch {
namespace {

constexpr std::uint8_t k_version = 1;
constexpr int k_default_zstd_level = 19;
constexpr int k_default_brotli_level = 11;

// The columns of the structured section, in the order they are written. The order groups streams
// whose bytes look alike, which helps the compressor's entropy stage.
enum Stream : std::size_t {
  s_block_timestamp,    // varint: first absolute, then the increase over the previous block
  s_block_gas_limit,    // varint
  s_block_beneficiary,  // address reference
  s_block_origin,       // varint: first absolute L1 number, then the increase
  s_origin_hash,        // 32 bytes for the first block and for each block whose origin moved
  s_block_tx_count,     // varint
  s_tx_shape,           // one byte per transaction (k_shape_* bits)
  s_tx_nonce,           // varint
  s_tx_gas,             // varint
  s_fee_exponent,       // number exponents: gas price, or priority fee then max fee
  s_fee_mantissa,       // number mantissas, same order
  s_value_exponent,
  s_value_mantissa,
  s_to,             // address reference (not for creations)
  s_data_length,    // ABI form: word count; raw form: byte count
  s_selector,       // selector reference
  s_new_selector,   // 4 bytes per selector first seen
  s_word_tag,       // one byte per ABI word (k_word_*)
  s_word_address,   // address reference per address word
  s_word_exponent,  // number exponent per number word
  s_word_mantissa,
  s_word_raw,     // 32 bytes per raw word
  s_data_raw,     // the bytes of raw-form data
  s_access_list,  // entry count; per entry an address reference, key count, keys
  s_new_address,  // 20 bytes per address first seen
  k_stream_count
};

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
constexpr unsigned k_max_exponent = 77;  // 10^77 < 2^256 < 10^78

// --- numbers: value = mantissa * 10^exponent, exponent as large as possible ------------------

void put_number(Bytes& exponents, Bytes& mantissas, const uint256& value) {
  unsigned e = 0;
  if (value.fits_u64()) {
    std::uint64_t m = value.w[0];
    if (m != 0) {
      while (m % 10 == 0) {
        m /= 10;
        ++e;
      }
    }
    exponents.push_back(static_cast<std::uint8_t>(e));
    put_varint(mantissas, m);
    return;
  }
  uint256 m = value;
  const uint256 ten(10);
  for (;;) {
    const auto [q, r] = divmod(m, ten);
    if (!r.is_zero()) break;
    m = q;
    ++e;
  }
  exponents.push_back(static_cast<std::uint8_t>(e));
  put_varint(mantissas, m);
}

Result<uint256> get_number(Reader& exponents, Reader& mantissas) {
  ROLLUP_TRY(auto e, exponents.byte());
  ROLLUP_TRY(auto m, mantissas.varint256());
  if (m.is_zero()) {
    if (e != 0) return fail(Errc::non_canonical, "number: zero with an exponent");
    return m;
  }
  if (e > k_max_exponent) return fail(Errc::non_canonical, "number: exponent past 77");
  const bool divisible = m.fits_u64() ? m.w[0] % 10 == 0 : divmod(m, uint256(10)).rem.is_zero();
  if (divisible) return fail(Errc::non_canonical, "number: mantissa divisible by ten");
  // m * 10^e, checking for overflow at each step: 10^e alone fits, the product may not.
  uint256 v = m;
  for (unsigned i = 0; i < e; ++i) {
    if (v > uint256::max() / uint256(10)) return fail(Errc::inconsistent, "number above 2^256");
    v = v * uint256(10);
  }
  return v;
}

// --- tables: values seen earlier in the batch are written as their index + 1; 0 means "new" ---

template <typename Key>
class EncodeTable {
 public:
  // Writes the reference; a new key is also appended to `literals`.
  void put(Bytes& refs, Bytes& literals, const Key& key) {
    auto [it, inserted] = m_index.try_emplace(key, m_index.size());
    if (inserted) {
      put_varint(refs, 0);
      literals.insert(literals.end(), key.bytes.begin(), key.bytes.end());
    } else {
      put_varint(refs, it->second + 1);
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
  Result<Key> get(Reader& refs, Reader& literals, std::string_view what, bool* was_new = nullptr) {
    ROLLUP_TRY(auto ref, refs.varint());
    if (was_new != nullptr) *was_new = ref == 0;
    if (ref != 0) {
      if (ref > m_entries.size()) {
        return fail(Errc::bad_reference, std::string(what) + ": entry " + std::to_string(ref) +
                                             " of " + std::to_string(m_entries.size()));
      }
      return m_entries[ref - 1];
    }
    ROLLUP_TRY(auto raw, literals.take(Key{}.bytes.size()));
    Key key;
    std::copy(raw.begin(), raw.end(), key.bytes.begin());
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
      put_varint(s(s_block_timestamp), b.timestamp - previous->timestamp);
      put_varint(s(s_block_origin), b.origin.number - previous->origin.number);
      if (b.origin.number != previous->origin.number) append(s(s_origin_hash), b.origin.hash);
    } else {
      put_varint(s(s_block_timestamp), b.timestamp);
      put_varint(s(s_block_origin), b.origin.number);
      append(s(s_origin_hash), b.origin.hash);
    }
    put_varint(s(s_block_gas_limit), b.gas_limit);
    m_addresses.put(s(s_block_beneficiary), s(s_new_address), b.beneficiary);
    put_varint(s(s_block_tx_count), b.transactions.size());
    for (const auto& t : b.transactions) ROLLUP_TRY_VOID(transaction(t));
    return {};
  }

  [[nodiscard]] const std::vector<const types::Transaction*>& signed_transactions() const {
    return m_signed;
  }

  Bytes structured() const {
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
  static std::unexpected<Error> invalid(std::string what) {
    return fail(Errc::invalid_batch, std::move(what));
  }
  Bytes& s(Stream id) { return m_streams[id]; }
  template <std::size_t N>
  static void append(Bytes& out, const FixedBytes<N>& v) {
    out.insert(out.end(), v.bytes.begin(), v.bytes.end());
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
    if (t.is_create()) shape |= k_shape_create;
    if (!t.access_list.empty()) shape |= k_shape_access_list;
    const std::uint8_t form = data_form(t.data.size());
    shape |= static_cast<std::uint8_t>(form << k_shape_data_shift);
    s(s_tx_shape).push_back(shape);

    put_varint(s(s_tx_nonce), t.nonce);
    put_varint(s(s_tx_gas), t.gas_limit);
    if (t.type == types::TxType::dynamic_fee) {
      // Wallets price a transaction as a multiple of a recent base fee plus the priority fee, so
      // the difference repeats across a block's transactions where the cap itself does not.
      if (t.max_fee_per_gas < t.max_priority_fee_per_gas) {
        return invalid("a priority fee above the fee cap");
      }
      put_number(s(s_fee_exponent), s(s_fee_mantissa), t.max_priority_fee_per_gas);
      put_number(s(s_fee_exponent), s(s_fee_mantissa),
                 t.max_fee_per_gas - t.max_priority_fee_per_gas);
    } else {
      if (t.max_fee_per_gas != t.max_priority_fee_per_gas) {
        return invalid("a one-price transaction with two fee fields");
      }
      put_number(s(s_fee_exponent), s(s_fee_mantissa), t.max_fee_per_gas);
    }
    put_number(s(s_value_exponent), s(s_value_mantissa), t.value);
    if (t.to) m_addresses.put(s(s_to), s(s_new_address), *t.to);
    data(t.data, form);
    if (!t.access_list.empty()) {
      Bytes& al = s(s_access_list);
      put_varint(al, t.access_list.size());
      for (const auto& entry : t.access_list) {
        m_addresses.put(al, s(s_new_address), entry.address);
        put_varint(al, entry.storage_keys.size());
        for (const auto& key : entry.storage_keys) append(al, key);
      }
    }
    m_signed.push_back(&t);
    return {};
  }

  void data(const Bytes& d, std::uint8_t form) {
    if (form == k_data_empty) return;
    if (form == k_data_raw) {
      put_varint(s(s_data_length), d.size());
      s(s_data_raw).insert(s(s_data_raw).end(), d.begin(), d.end());
      return;
    }
    const std::size_t words = (d.size() - 4) / 32;
    put_varint(s(s_data_length), words);
    Selector sel;
    std::copy_n(d.begin(), 4, sel.bytes.begin());
    m_selectors.put(s(s_selector), s(s_new_selector), sel);
    for (std::size_t i = 0; i < words; ++i) {
      const std::uint8_t* w = d.data() + 4 + 32 * i;
      const std::uint8_t tag = word_tag(w, m_addresses);
      s(s_word_tag).push_back(tag);
      switch (tag) {
        case k_word_zero: break;
        case k_word_address: {
          Address a;
          std::copy(w + 12, w + 32, a.bytes.begin());
          m_addresses.put(s(s_word_address), s(s_new_address), a);
          break;
        }
        case k_word_number:
          put_number(s(s_word_exponent), s(s_word_mantissa), uint256::from_be32(w));
          break;
        default: s(s_word_raw).insert(s(s_word_raw).end(), w, w + 32); break;
      }
    }
  }

  std::uint64_t m_chain_id;
  std::array<Bytes, k_stream_count> m_streams;
  EncodeTable<Address> m_addresses;
  EncodeTable<Selector> m_selectors;
  std::vector<const types::Transaction*> m_signed;
};

// --- decoder ---------------------------------------------------------------------------------

class Decoder {
 public:
  Decoder(std::uint64_t chain_id, ByteView structured) : m_chain_id(chain_id) {
    m_rest = Reader(structured);
  }

  Result<void> open_streams() {
    for (auto& stream : m_streams) {
      ROLLUP_TRY(auto length, m_rest.varint());
      ROLLUP_TRY(auto bytes, m_rest.take(length));
      stream = Reader(bytes);
    }
    if (!m_rest.empty()) return fail(Errc::trailing_bytes, "after the last stream");
    return {};
  }

  Result<BlockData> block(std::uint64_t number, const BlockData* previous) {
    BlockData b;
    b.number = number;
    ROLLUP_TRY(auto time, s(s_block_timestamp).varint());
    ROLLUP_TRY(auto origin, s(s_block_origin).varint());
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
      ROLLUP_TRY(auto hash, s(s_origin_hash).template fixed<32>());
      b.origin.hash = hash;
    }
    ROLLUP_TRY(auto gas_limit, s(s_block_gas_limit).varint());
    b.gas_limit = gas_limit;
    ROLLUP_TRY(auto beneficiary,
               m_addresses.get(s(s_block_beneficiary), s(s_new_address), "beneficiary"));
    b.beneficiary = beneficiary;
    ROLLUP_TRY(auto count, s(s_block_tx_count).varint());
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

  void expect_transactions(std::uint64_t n) { m_remaining_transactions = n; }

  Result<void> finish() {
    if (m_remaining_transactions != 0) {
      return fail(Errc::inconsistent, "the blocks hold fewer transactions than the batch");
    }
    for (std::size_t i = 0; i < m_streams.size(); ++i) {
      if (!m_streams[i].empty()) {
        return fail(Errc::trailing_bytes, "stream " + std::to_string(i) + " not used up");
      }
    }
    return {};
  }

 private:
  Reader& s(Stream id) { return m_streams[id]; }

  Result<types::Transaction> transaction() {
    types::Transaction t;
    ROLLUP_TRY(auto shape, s(s_tx_shape).byte());
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
    ROLLUP_TRY(auto nonce, s(s_tx_nonce).varint());
    t.nonce = nonce;
    ROLLUP_TRY(auto gas, s(s_tx_gas).varint());
    t.gas_limit = gas;
    if (t.type == types::TxType::dynamic_fee) {
      ROLLUP_TRY(auto tip, get_number(s(s_fee_exponent), s(s_fee_mantissa)));
      ROLLUP_TRY(auto headroom, get_number(s(s_fee_exponent), s(s_fee_mantissa)));
      if (headroom > uint256::max() - tip) return fail(Errc::inconsistent, "fee cap above 2^256");
      t.max_priority_fee_per_gas = tip;
      t.max_fee_per_gas = tip + headroom;
    } else {
      ROLLUP_TRY(auto price, get_number(s(s_fee_exponent), s(s_fee_mantissa)));
      t.max_priority_fee_per_gas = price;
      t.max_fee_per_gas = price;
    }
    ROLLUP_TRY(auto value, get_number(s(s_value_exponent), s(s_value_mantissa)));
    t.value = value;
    if ((shape & k_shape_create) == 0) {
      ROLLUP_TRY(auto to, m_addresses.get(s(s_to), s(s_new_address), "recipient"));
      t.to = to;
    }
    ROLLUP_TRY_VOID(data(t.data, form));
    if ((shape & k_shape_access_list) != 0) {
      Reader& al = s(s_access_list);
      ROLLUP_TRY(auto entries, al.varint());
      if (entries == 0) return fail(Errc::non_canonical, "an empty access list marked present");
      // Each entry takes at least two bytes, so the stream's size bounds the count.
      if (entries > al.remaining()) return fail(Errc::truncated, "access list");
      t.access_list.reserve(entries);
      for (std::uint64_t i = 0; i < entries; ++i) {
        types::AccessListEntry entry;
        ROLLUP_TRY(auto address, m_addresses.get(al, s(s_new_address), "access list"));
        entry.address = address;
        ROLLUP_TRY(auto keys, al.varint());
        if (keys > al.remaining() / 32) return fail(Errc::truncated, "access list keys");
        entry.storage_keys.reserve(keys);
        for (std::uint64_t k = 0; k < keys; ++k) {
          ROLLUP_TRY(auto key, al.template fixed<32>());
          entry.storage_keys.push_back(key);
        }
        t.access_list.push_back(std::move(entry));
      }
    }
    return t;
  }

  Result<void> data(Bytes& out, std::uint8_t form) {
    if (form == k_data_empty) return {};
    ROLLUP_TRY(auto length, s(s_data_length).varint());
    if (form == k_data_raw) {
      ROLLUP_TRY(auto bytes, s(s_data_raw).take(length));
      if (data_form(bytes.size()) != k_data_raw) {
        return fail(Errc::non_canonical, "raw calldata of the ABI form or empty");
      }
      out.assign(bytes.begin(), bytes.end());
      return {};
    }
    // Each word has a tag byte, so the tag stream bounds the count before anything is allocated.
    if (length > s(s_word_tag).remaining()) return fail(Errc::truncated, "calldata words");
    out.resize(4 + 32 * length);
    ROLLUP_TRY(auto sel, m_selectors.get(s(s_selector), s(s_new_selector), "selector"));
    std::copy(sel.bytes.begin(), sel.bytes.end(), out.begin());
    for (std::uint64_t i = 0; i < length; ++i) {
      std::uint8_t* w = out.data() + 4 + 32 * i;
      ROLLUP_TRY(auto tag, s(s_word_tag).byte());
      switch (tag) {
        case k_word_zero: break;
        case k_word_address: {
          bool was_new = false;
          ROLLUP_TRY(auto a,
                     m_addresses.get(s(s_word_address), s(s_new_address), "calldata", &was_new));
          std::copy(a.bytes.begin(), a.bytes.end(), w + 12);
          // A word below 2^128 is an address only when the address was known before it, and the
          // zero word is always the zero form (even when the zero address is in the table).
          if (a.is_zero() || (was_new && top_zero(w + 12, 4))) {
            return fail(Errc::non_canonical, "an address word of another form");
          }
          break;
        }
        case k_word_number: {
          ROLLUP_TRY(auto v, get_number(s(s_word_exponent), s(s_word_mantissa)));
          v.to_be32(w);
          if (word_tag(w, m_addresses) != k_word_number) {
            return fail(Errc::non_canonical, "a number word of another form");
          }
          break;
        }
        case k_word_raw: {
          ROLLUP_TRY(auto raw, s(s_word_raw).take(32));
          std::copy(raw.begin(), raw.end(), w);
          if (top_zero(w, 12)) return fail(Errc::non_canonical, "a raw word of another form");
          break;
        }
        default: return fail(Errc::non_canonical, "word tag " + std::to_string(tag));
      }
    }
    return {};
  }

  std::uint64_t m_chain_id;
  Reader m_rest{ByteView{}};
  std::array<Reader, k_stream_count> m_streams{};
  DecodeTable<Address> m_addresses;
  DecodeTable<Selector> m_selectors;
  std::uint64_t m_remaining_transactions = 0;
};

}  // namespace

Result<Bytes> encode_batch(const Batch& batch, const EncodeOptions& options) {
  if (batch.blocks.empty()) return fail(Errc::invalid_batch, "no blocks");
  Encoder enc(batch.chain_id);
  for (std::size_t i = 0; i < batch.blocks.size(); ++i) {
    ROLLUP_TRY_VOID(enc.block(batch.blocks[i], i == 0 ? nullptr : &batch.blocks[i - 1]));
  }
  const auto& txs = enc.signed_transactions();
  int level = options.level;
  if (level == 0) {
    level =
        options.compression == Compression::brotli ? k_default_brotli_level : k_default_zstd_level;
  }
  const Bytes compressed = detail::compress(options.compression, level, enc.structured());

  Bytes out;
  out.reserve(compressed.size() + txs.size() * (k_signature_bytes + 1) + 128);
  out.push_back(k_version);
  out.push_back(static_cast<std::uint8_t>(options.compression));
  put_varint(out, batch.chain_id);
  put_varint(out, batch.blocks.front().number);
  put_varint(out, batch.blocks.size());
  put_varint(out, txs.size());
  out.insert(out.end(), batch.parent_hash.bytes.begin(), batch.parent_hash.bytes.end());
  out.insert(out.end(), batch.last_hash.bytes.begin(), batch.last_hash.bytes.end());
  put_varint(out, compressed.size());
  out.insert(out.end(), compressed.begin(), compressed.end());
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
  if (algorithm > static_cast<std::uint8_t>(Compression::brotli)) {
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
  ROLLUP_TRY(auto compressed_size, in.varint());
  ROLLUP_TRY(auto compressed, in.take(compressed_size));
  // The signature section's size is fixed by the count, so a wrong count fails here, before any
  // decompression work.
  if (in.remaining() != tx_count * k_signature_bytes) {
    return fail(
        in.remaining() < tx_count * k_signature_bytes ? Errc::truncated : Errc::trailing_bytes,
        "signature section");
  }
  ROLLUP_TRY(auto structured, detail::decompress(static_cast<Compression>(algorithm), compressed,
                                                 limits.max_decompressed_bytes));
  Decoder dec(chain_id, structured);
  ROLLUP_TRY_VOID(dec.open_streams());
  dec.expect_transactions(tx_count);
  batch.blocks.reserve(blocks);
  for (std::uint64_t i = 0; i < blocks; ++i) {
    ROLLUP_TRY(auto b, dec.block(first + i, i == 0 ? nullptr : &batch.blocks.back()));
    batch.blocks.push_back(std::move(b));
  }
  ROLLUP_TRY_VOID(dec.finish());
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
