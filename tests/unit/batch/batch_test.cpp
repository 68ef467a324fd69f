// The batch codec: every field survives the round trip in every compression, each batch has one
// encoding, the encoder refuses what no block could hold, and hostile input fails cleanly.

#include "rollup/batch/batch.hpp"

#include <gtest/gtest.h>

#include <random>

#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"

namespace rollup::batch {
namespace {

constexpr std::uint64_t k_chain = 901;

crypto::SecretKey key(std::uint8_t n) {
  Bytes raw(32, 0);
  raw[31] = n;
  return *crypto::SecretKey::from_bytes(raw);
}

Address address(std::uint8_t tag, std::uint8_t first = 0xaa) {
  Address a;
  a.bytes.fill(tag);
  a.bytes[0] = first;
  return a;
}

Bytes word_of(const uint256& v) {
  Bytes w(32);
  v.to_be32(w.data());
  return w;
}

types::Transaction signed_tx(types::Transaction t, std::uint8_t signer = 1) {
  EXPECT_TRUE(types::sign_transaction(t, key(signer)).has_value());
  return t;
}

// One of every kind the format distinguishes.
std::vector<types::Transaction> variety() {
  std::vector<types::Transaction> out;
  types::Transaction t;
  t.type = types::TxType::dynamic_fee;
  t.chain_id = k_chain;
  t.nonce = 7;
  t.max_priority_fee_per_gas = 1'000'000'000;
  t.max_fee_per_gas = 3'123'456'789;
  t.gas_limit = 21'000;
  t.to = address(1);
  t.value = uint256(1234) * uint256(100'000'000'000'000ULL);
  out.push_back(signed_tx(t));

  // Creation with raw initcode, zero value, zero tip.
  t.nonce = 8;
  t.to.reset();
  t.value = 0;
  t.max_priority_fee_per_gas = 0;
  t.data = {0x60, 0x00, 0x60, 0x00, 0xf3};
  t.gas_limit = 100'000;
  out.push_back(signed_tx(t));

  // ABI calldata with every word form: zero, new address, known address, number, raw, and an
  // address-like small number.
  t.nonce = 9;
  t.to = address(2);
  t.data = {0xa9, 0x05, 0x9c, 0xbb};
  append(t.data, Bytes(32, 0));
  Bytes addr_word(12, 0);
  append(addr_word, address(3).view());
  append(t.data, addr_word);
  Bytes known_word(12, 0);
  append(known_word, address(1).view());
  append(t.data, known_word);
  append(t.data, word_of(uint256(5) * uint256(1'000'000'000'000'000'000ULL)));
  append(t.data, Bytes(32, 0xff));
  append(t.data, word_of(uint256(77)));
  out.push_back(signed_tx(t));

  // The same selector again (a reference), max-width numbers.
  t.nonce = 10;
  t.data.resize(4 + 32);
  uint256::max().to_be32(t.data.data() + 4);
  t.value = uint256::max();
  t.max_fee_per_gas = uint256::max();
  t.max_priority_fee_per_gas = uint256::max() - uint256(1);
  out.push_back(signed_tx(t));

  // EIP-2930 with an access list; legacy EIP-155; legacy unprotected.
  types::Transaction a;
  a.type = types::TxType::access_list;
  a.chain_id = k_chain;
  a.nonce = 0;
  a.max_fee_per_gas = a.max_priority_fee_per_gas = 2'000'000'000;
  a.gas_limit = 60'000;
  a.to = address(4);
  a.access_list = {{address(4), {Hash{}, crypto::keccak256(Bytes{1})}}, {address(5), {}}};
  a.data = {0x01, 0x02, 0x03};
  out.push_back(signed_tx(a, 2));
  types::Transaction l;
  l.type = types::TxType::legacy;
  l.chain_id = k_chain;
  l.nonce = 1;
  l.max_fee_per_gas = l.max_priority_fee_per_gas = 10'000'000'000ULL;
  l.gas_limit = 21'000;
  l.to = address(1);
  l.value = 1;
  out.push_back(signed_tx(l, 2));
  l.chain_id.reset();
  l.nonce = 2;
  out.push_back(signed_tx(l, 2));
  return out;
}

Batch sample() {
  Batch b;
  b.chain_id = k_chain;
  b.parent_hash = crypto::keccak256(Bytes{9});
  b.last_hash = crypto::keccak256(Bytes{10});
  const auto txs = variety();
  const Hash origin_a = crypto::keccak256(Bytes{20});
  const Hash origin_b = crypto::keccak256(Bytes{21});
  for (std::uint64_t i = 0; i < 4; ++i) {
    BlockData d;
    d.number = 100 + i;
    d.timestamp = 1'700'000'000 + i / 2;  // equal timestamps are allowed
    d.gas_limit = 30'000'000;
    d.beneficiary = address(0xfe);
    d.origin = i < 2 ? L1Origin{500, origin_a} : L1Origin{503, origin_b};
    b.blocks.push_back(d);
  }
  b.blocks[0].transactions.assign(txs.begin(), txs.begin() + 4);
  b.blocks[2].transactions.assign(txs.begin() + 4, txs.end());  // block 1 and 3 are empty
  return b;
}

TEST(Batch, RoundTripsEveryFieldInEveryCompression) {
  const Batch b = sample();
  for (const auto c :
       {Compression::none, Compression::zstd, Compression::brotli, Compression::modelled}) {
    const auto encoded = encode_batch(b, {.compression = c});
    ASSERT_TRUE(encoded.has_value()) << encoded.error().message();
    const auto decoded = decode_batch(*encoded);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
    EXPECT_EQ(*decoded, b);
    // Transactions come back byte for byte, so their hashes and senders are the originals.
    for (std::size_t i = 0; i < b.blocks.size(); ++i) {
      for (std::size_t j = 0; j < b.blocks[i].transactions.size(); ++j) {
        EXPECT_EQ(types::encode_transaction(decoded->blocks[i].transactions[j]),
                  types::encode_transaction(b.blocks[i].transactions[j]));
      }
    }
    // One encoding per batch: decoding and encoding again gives the same bytes.
    EXPECT_EQ(*encode_batch(*decoded, {.compression = c}), *encoded);
  }
}

TEST(Batch, CarriesASingleEmptyBlock) {
  Batch b;
  b.chain_id = 1;
  b.blocks.push_back(BlockData{});
  const auto decoded = decode_batch(*encode_batch(b));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, b);
}

TEST(Batch, SmallerThanItsTransactions) {
  // Many transfers between a few accounts: the column form must beat the RLP clearly.
  Batch b = sample();
  b.blocks.resize(1);
  b.blocks[0].transactions.clear();
  std::size_t rlp = 0;
  for (std::uint64_t n = 0; n < 200; ++n) {
    types::Transaction t;
    t.type = types::TxType::dynamic_fee;
    t.chain_id = k_chain;
    t.nonce = n;
    t.max_priority_fee_per_gas = 1'000'000;
    t.max_fee_per_gas = 101'000'000;
    t.gas_limit = 21'000;
    t.to = address(static_cast<std::uint8_t>(n % 5));
    t.value = uint256(n + 1) * uint256(10'000'000'000'000'000ULL);
    b.blocks[0].transactions.push_back(signed_tx(t));
    rlp += types::encode_transaction(b.blocks[0].transactions.back()).size();
  }
  for (const auto c : {Compression::zstd, Compression::brotli, Compression::modelled}) {
    const auto encoded = encode_batch(b, {.compression = c});
    ASSERT_TRUE(encoded.has_value());
    EXPECT_LT(encoded->size(), rlp * 3 / 5);
    EXPECT_GT(encoded->size(), 200 * 64);  // the signatures alone
  }
}

TEST(Batch, EncoderRefusesWhatNoBlockHolds) {
  const auto refused = [](Batch b, std::string_view why) {
    const auto r = encode_batch(b);
    ASSERT_FALSE(r.has_value()) << why;
    EXPECT_EQ(r.error(), Errc::invalid_batch) << why;
  };
  refused(Batch{}, "no blocks");
  Batch b = sample();
  b.blocks[1].number = 105;
  refused(b, "gap in numbers");
  b = sample();
  b.blocks[1].timestamp = b.blocks[0].timestamp - 1;
  refused(b, "timestamp back");
  b = sample();
  b.blocks[3].origin.number = 400;
  refused(b, "origin back");
  b = sample();
  b.blocks[1].origin.hash = crypto::keccak256(Bytes{99});
  refused(b, "one origin number, two hashes");
  b = sample();
  b.chain_id = 902;
  refused(b, "transaction of another chain");
  b = sample();
  b.blocks[0].transactions[0].type = types::TxType::blob;
  refused(b, "blob transaction");
  b = sample();
  b.blocks[0].transactions[0].s = uint256::max();
  refused(b, "high s");
  b = sample();
  b.blocks[0].transactions[0].max_priority_fee_per_gas = uint256::max();
  refused(b, "tip above cap");
}

TEST(Batch, DecoderFailsCleanlyOnEveryTruncation) {
  for (const auto c :
       {Compression::none, Compression::zstd, Compression::brotli, Compression::modelled}) {
    const Bytes full = *encode_batch(sample(), {.compression = c});
    for (std::size_t n = 0; n < full.size(); ++n) {
      const auto r = decode_batch(ByteView(full).first(n));
      EXPECT_FALSE(r.has_value()) << "prefix " << n;
    }
    Bytes longer = full;
    longer.push_back(0);
    const auto r = decode_batch(longer);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), Errc::trailing_bytes);
  }
}

TEST(Batch, DecoderSurvivesEveryByteFlip) {
  // Uncompressed, so flips land in the structured fields themselves. Each result is either an
  // error or a batch that encodes back to exactly the flipped bytes (one encoding per batch).
  const Bytes full = *encode_batch(sample(), {.compression = Compression::none});
  std::mt19937 rng(7);
  for (std::size_t i = 0; i < full.size(); ++i) {
    Bytes bad = full;
    bad[i] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    const auto r = decode_batch(bad);
    if (r.has_value()) {
      const auto again = encode_batch(*r, {.compression = Compression::none});
      ASSERT_TRUE(again.has_value()) << "byte " << i;
      std::size_t d = 0;
      while (d < std::min(again->size(), bad.size()) && (*again)[d] == bad[d]) ++d;
      EXPECT_TRUE(*again == bad) << "byte " << i << " first difference at " << d << " sizes "
                                 << again->size() << " " << bad.size();
    }
  }
}

TEST(Batch, ModelledDecoderSurvivesEveryBitFlip) {
  // The modelled section is ours, so it is canonical byte for byte: each flip of each bit gives
  // an error or a batch that encodes back to exactly the flipped bytes.
  const Bytes full = *encode_batch(sample(), {.compression = Compression::modelled});
  std::size_t decoded = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      Bytes bad = full;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      const auto r = decode_batch(bad);
      if (!r.has_value()) continue;
      ++decoded;
      const auto again = encode_batch(*r, {.compression = Compression::modelled});
      ASSERT_TRUE(again.has_value()) << "byte " << i << " bit " << bit;
      EXPECT_TRUE(*again == bad) << "byte " << i << " bit " << bit;
    }
  }
  EXPECT_GT(decoded, 0u);  // the signatures and hashes, at least, take any bits
}

TEST(Batch, UnknownVersionAndCompression) {
  Bytes b = *encode_batch(sample());
  b[0] = 2;
  EXPECT_EQ(decode_batch(b).error(), Errc::unknown_version);
  b[0] = 1;
  b[1] = 4;
  EXPECT_EQ(decode_batch(b).error(), Errc::unknown_compression);
}

TEST(Batch, LimitsHoldBeforeAllocation) {
  const Bytes b = *encode_batch(sample(), {.compression = Compression::zstd});
  EXPECT_EQ(decode_batch(b, {.max_blocks = 3}).error(), Errc::limit_exceeded);
  EXPECT_EQ(decode_batch(b, {.max_transactions = 6}).error(), Errc::limit_exceeded);
  const auto small = decode_batch(b, {.max_decompressed_bytes = 16});
  ASSERT_FALSE(small.has_value());
  EXPECT_EQ(small.error(), Errc::decompression_failed);
  // The modelled form charges what it decodes against the same limit.
  const Bytes m = *encode_batch(sample(), {.compression = Compression::modelled});
  const auto tight = decode_batch(m, {.max_decompressed_bytes = 16});
  ASSERT_FALSE(tight.has_value());
  EXPECT_EQ(tight.error(), Errc::limit_exceeded);
  EXPECT_TRUE(decode_batch(m, {.max_decompressed_bytes = 1024}).has_value());
}

// An uncompressed batch taken apart into its header, its structured streams (docs/protocol.md
// numbers them) and its signatures, so a test can write one field in a form the encoder never
// would and check the decoder refuses it.
struct Parts {
  Bytes header;  // up to and including the two hashes
  std::vector<Bytes> streams;
  Bytes signatures;

  static std::uint64_t varint(ByteView& in) {
    std::uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      const std::uint8_t b = in[0];
      in = in.subspan(1);
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  static void put(Bytes& out, std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) out.push_back(static_cast<std::uint8_t>(v | 0x80));
    out.push_back(static_cast<std::uint8_t>(v));
  }

  explicit Parts(ByteView in) {
    ByteView rest = in.subspan(2);
    for (int i = 0; i < 4; ++i) varint(rest);
    rest = rest.subspan(64);
    header.assign(in.begin(), rest.begin());
    const std::uint64_t section = varint(rest);
    ByteView s = rest.first(section);
    while (!s.empty()) {
      const std::uint64_t n = varint(s);
      streams.emplace_back(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
      s = s.subspan(n);
    }
    signatures.assign(rest.begin() + static_cast<std::ptrdiff_t>(section), rest.end());
  }
  [[nodiscard]] Bytes join() const {
    Bytes section;
    for (const auto& st : streams) {
      put(section, st.size());
      append(section, st);
    }
    Bytes out = header;
    put(out, section.size());
    append(out, section);
    append(out, signatures);
    return out;
  }
};

constexpr std::size_t k_stream_count = 25;
constexpr std::size_t k_stream_value_exponent = 11, k_stream_value_mantissa = 12;
constexpr std::size_t k_stream_to = 13, k_stream_word_tag = 17, k_stream_word_address = 18;
constexpr std::size_t k_stream_new_address = 24;

TEST(Batch, StreamsAreWhereTheSpecificationPutsThem) {
  Batch b = sample();
  const Parts parts(*encode_batch(b, {.compression = Compression::none}));
  ASSERT_EQ(parts.streams.size(), k_stream_count);
  EXPECT_EQ(parts.join(), *encode_batch(b, {.compression = Compression::none}));
  // The first transaction's value, 1234 * 10^14: exponent 14, mantissa 1234 as a varint.
  EXPECT_EQ(parts.streams[k_stream_value_exponent][0], 14);
  EXPECT_EQ(parts.streams[k_stream_value_mantissa][0], 0xd2);
  EXPECT_EQ(parts.streams[k_stream_value_mantissa][1], 0x09);
}

TEST(Batch, EveryValueHasOneEncoding) {
  // One transfer of value 10 to a new address; the block's beneficiary is the zero address.
  Batch b;
  b.chain_id = k_chain;
  b.blocks.push_back(BlockData{});
  types::Transaction t;
  t.type = types::TxType::dynamic_fee;
  t.chain_id = k_chain;
  t.gas_limit = 21'000;
  t.to = address(1);
  t.value = 10;
  t.data = {1, 2, 3, 4};
  append(t.data, Bytes(32, 0));  // one zero word
  b.blocks[0].transactions.push_back(signed_tx(t));
  const Bytes good = *encode_batch(b, {.compression = Compression::none});
  ASSERT_TRUE(decode_batch(good).has_value());
  const auto refused = [&](auto change, std::string_view why) {
    Parts p(good);
    change(p);
    const auto r = decode_batch(p.join());
    ASSERT_FALSE(r.has_value()) << why;
    EXPECT_EQ(r.error(), Errc::non_canonical) << why << ": " << r.error().message();
  };
  refused(
      [](Parts& p) {
        p.streams[k_stream_value_exponent] = {0}, p.streams[k_stream_value_mantissa] = {10};
      },
      "10 as mantissa 10");
  refused(
      [](Parts& p) {
        p.streams[k_stream_value_exponent] = {1}, p.streams[k_stream_value_mantissa] = {0};
      },
      "zero with an exponent");
  refused(
      [](Parts& p) {
        p.streams[k_stream_value_mantissa] = {0x81, 0x00};
      },
      "varint with a zero last group");
  refused(
      [](Parts& p) {
        // The recipient written out again although it is the table's first entry... by making
        // the beneficiary's reference "new" twice: the zero address appears as a second literal.
        p.streams[k_stream_to] = {0};
        Bytes twice(20, 0);
        append(twice, p.streams[k_stream_new_address]);
        p.streams[k_stream_new_address] = twice;
      },
      "a known address written as new");
  // Found by fuzz.batch_smoke: the zero word written as a reference to the zero address, which is
  // in the table (the beneficiary), instead of as the zero word.
  refused(
      [](Parts& p) {
        p.streams[k_stream_word_tag] = {1};
        p.streams[k_stream_word_address] = {1};
      },
      "the zero word as an address");
}

TEST(Batch, DecompressionBombIsRefused) {
  // A zstd frame of zeros that declares 1 GiB: it must fail on the declared size, not allocate.
  Batch b;
  b.chain_id = 1;
  b.blocks.push_back({});
  Bytes encoded = *encode_batch(b, {.compression = Compression::none});
  // Replace the structured section (after the two hashes) with a hand-made zstd frame that claims
  // far more than the limit: magic, frame header with a 4-byte content size, one RLE block.
  const std::size_t header = 2 + 4 + 64;  // version, compression, four one-byte varints, hashes
  Bytes bomb = {0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0x00, 0x00, 0x00, 0x40};
  bomb.insert(bomb.end(), {0x03, 0x00, 0x00, 0x00});  // last RLE block of size 0, byte 0
  Bytes crafted(encoded.begin(), encoded.begin() + header);
  crafted[1] = static_cast<std::uint8_t>(Compression::zstd);
  crafted.push_back(static_cast<std::uint8_t>(bomb.size()));
  append(crafted, bomb);
  const auto r = decode_batch(crafted);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::decompression_failed);
}

}  // namespace
}  // namespace rollup::batch
