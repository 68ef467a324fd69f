// The modelled section form: the range coder round-trips and accepts only the exact bytes its
// encoder writes, each model refuses the forms its encoder never produces, and a hostile section
// cannot make the decoder allocate past its budget.

#include <gtest/gtest.h>

#include <random>

#include "../../../src/batch/model.hpp"
#include "rollup/batch/batch.hpp"
#include "rollup/crypto/keccak.hpp"

namespace rollup::batch::detail {
namespace {

// A reproducible mix of modelled bits under skewed probabilities and direct bits.
struct Symbols {
  std::vector<unsigned> bits;
  std::vector<std::uint64_t> direct;
};

Symbols random_symbols(std::uint32_t seed, std::size_t n) {
  std::mt19937 rng(seed);
  Symbols s;
  for (std::size_t i = 0; i < n; ++i) {
    s.bits.push_back(rng() % 100 < 90 ? 0 : 1);
    s.direct.push_back(rng() & 0xfff);
  }
  return s;
}

Bytes encode_symbols(const Symbols& s) {
  RangeEncoder rc;
  std::array<Prob, 4> probs{k_prob_half, k_prob_half, k_prob_half, k_prob_half};
  for (std::size_t i = 0; i < s.bits.size(); ++i) {
    rc.bit(probs[i % 4], s.bits[i]);
    rc.direct(s.direct[i], 12);
  }
  return rc.finish();
}

// Decodes as many symbols as `s` holds; true when they match and the input was canonical.
bool decodes_to(ByteView in, const Symbols& s) {
  RangeDecoder rc(in);
  std::array<Prob, 4> probs{k_prob_half, k_prob_half, k_prob_half, k_prob_half};
  bool same = true;
  for (std::size_t i = 0; i < s.bits.size(); ++i) {
    same &= rc.bit(probs[i % 4]) == s.bits[i];
    same &= rc.direct(12) == s.direct[i];
  }
  return same && rc.finish();
}

TEST(RangeCoder, RoundTrips) {
  for (std::uint32_t seed = 0; seed < 20; ++seed) {
    const Symbols s = random_symbols(seed, 1 + seed * 97);
    const Bytes out = encode_symbols(s);
    EXPECT_EQ(out[0], 0);  // the integer part of the coded fraction, always zero
    EXPECT_TRUE(decodes_to(out, s)) << "seed " << seed;
  }
}

TEST(RangeCoder, CarriesPropagateThroughHeldBackBytes) {
  // Bits of probability close to one, coded as the unlikely outcome, push low up against the
  // top of the range; long runs of 0xff bytes then wait for a carry.
  RangeEncoder enc;
  Prob p = 4000;
  std::vector<unsigned> bits;
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) bits.push_back(rng() % 3 == 0 ? 0 : 1);
  for (const unsigned b : bits) {
    enc.bit(p, b);
    p = 4000;  // a fixed, badly wrong prediction
  }
  const Bytes out = enc.finish();
  RangeDecoder dec(out);
  for (const unsigned b : bits) {
    Prob q = 4000;
    ASSERT_EQ(dec.bit(q), b);
  }
  EXPECT_TRUE(dec.finish());
}

TEST(RangeCoder, AcceptsOnlyTheEncodersBytes) {
  const Symbols s = random_symbols(11, 300);
  const Bytes good = encode_symbols(s);
  ASSERT_TRUE(decodes_to(good, s));
  // Any other last byte, a non-zero first byte, a byte more or less: refused.
  const std::size_t last = good.size() - 1;
  for (unsigned v = 0; v < 256; ++v) {
    if (v == good[last]) continue;
    Bytes bad = good;
    bad[last] = static_cast<std::uint8_t>(v);
    EXPECT_FALSE(decodes_to(bad, s)) << "last byte " << v;
  }
  Bytes first{1};
  append(first, ByteView(good).subspan(1));
  EXPECT_FALSE(decodes_to(first, s));
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(decodes_to(longer, s));
  EXPECT_FALSE(decodes_to(ByteView(good).first(last), s));
  // A code at the end of the initial range is no interval.
  RangeDecoder all_ones(Bytes{0, 0xff, 0xff, 0xff, 0xff});
  EXPECT_FALSE(all_ones.finish());
}

TEST(Models, NumbersRoundTripAtEveryLength) {
  RangeEncoder enc;
  NumberModel<1> model;
  DecimalModel decimal;
  std::vector<uint256> values{0, 1, 2, 3, 1000, uint256::max(), uint256::max() - uint256(1)};
  for (unsigned i = 0; i < 256; ++i) values.push_back((uint256(1) << i) + uint256(i));
  for (const auto& v : values) {
    model.encode(enc, 0, v);
    decimal.encode(enc, v);
  }
  const Bytes out = enc.finish();
  RangeDecoder dec(out);
  NumberModel<1> model2;
  DecimalModel decimal2;
  for (const auto& v : values) {
    EXPECT_EQ(*model2.decode(dec, 0, 256), v);
    EXPECT_EQ(*decimal2.decode(dec), v);
  }
  EXPECT_TRUE(dec.finish());
}

TEST(Models, RefuseFormsTheEncoderNeverWrites) {
  // A count longer than 64 bits.
  {
    RangeEncoder enc;
    NumberModel<1>().encode(enc, 0, uint256(1) << 64);
    const Bytes out = enc.finish();
    RangeDecoder dec(out);
    const auto r = NumberModel<1>().decode(dec, 0, 64);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), Errc::non_canonical);
  }
  // Decimals: ten as mantissa 10, and zero with an exponent, written through fresh models laid
  // out as DecimalModel's (exponent tree, then the mantissa in the exponent's context).
  for (const auto& [e, m] : {std::pair{0u, 10u}, std::pair{3u, 0u}, std::pair{78u, 1u}}) {
    RangeEncoder enc;
    BitTree<7>().encode(enc, e);
    NumberModel<DecimalModel::k_exponent_contexts>().encode(enc, std::min(e, 15u),
                                                            std::uint64_t{m});
    const Bytes out = enc.finish();
    RangeDecoder dec(out);
    const auto r = DecimalModel().decode(dec);
    ASSERT_FALSE(r.has_value()) << e << " " << m;
    EXPECT_EQ(r.error(), Errc::non_canonical);
  }
  // A value the recent list holds, coded as a miss: the encoder's list lacks it, the decoder's
  // has it, as a hostile input would have it.
  {
    RangeEncoder enc;
    RecentValues<std::uint64_t> writer;
    writer.list.insert(7);
    EXPECT_TRUE(writer.coder.encode(enc, writer.list, std::uint64_t{5}));
    const Bytes out = enc.finish();
    RangeDecoder dec(out);
    RecentValues<std::uint64_t> reader;
    reader.list.insert(5);
    const auto hit = reader.coder.decode(dec, reader.list);
    ASSERT_TRUE(hit.has_value());
    EXPECT_FALSE(hit->has_value());
    EXPECT_EQ(reader.coder.added(reader.list, std::uint64_t{5}).error(), Errc::non_canonical);
  }
  // A position past the list's end.
  {
    RangeEncoder enc;
    RecentValues<std::uint64_t> writer;
    for (std::uint64_t v = 0; v < 4; ++v) writer.list.insert(v);
    EXPECT_FALSE(writer.coder.encode(enc, writer.list, std::uint64_t{0}));  // position 3
    const Bytes out = enc.finish();
    RangeDecoder dec(out);
    RecentValues<std::uint64_t> reader;
    reader.list.insert(9);
    EXPECT_EQ(reader.coder.decode(dec, reader.list).error(), Errc::bad_reference);
  }
}

// The fields of one block holding one transaction, up to the transaction, in the walk's order
// (docs/protocol.md).
void one_block(ModelSink& sink) {
  sink.count(Field::block_timestamp, 1);
  sink.count(Field::block_origin, 1);
  sink.bytes(Field::origin_hash, Hash{}.view());
  sink.count(Field::block_gas_limit, 30'000'000);
  sink.reference(Field::beneficiary, 0);
  sink.bytes(Field::new_address, Address{}.view());
  sink.count(Field::block_tx_count, 1);
}

// A batch payload around a modelled section: chain 1, block 1, one block, one transaction.
Bytes payload(ByteView section) {
  Bytes out{1, static_cast<std::uint8_t>(Compression::modelled), 1, 1, 1, 1};
  out.resize(out.size() + 64);
  out.push_back(static_cast<std::uint8_t>(section.size()));  // below 128: a one-byte varint
  append(out, section);
  out.resize(out.size() + 64);
  return out;
}

// A one-block, one-transaction modelled batch written field by field, in the walk's order
// (docs/protocol.md), with `words` ABI words of calldata claimed and none coded: the decoder
// must refuse the count before it allocates 32 bytes per word.
Bytes batch_claiming_words(std::uint64_t words) {
  ModelSink sink;
  one_block(sink);
  sink.byte(Field::tx_shape, 2 | (1 << 5));  // EIP-1559, ABI calldata
  sink.reference(Field::to, 1);
  sink.count(Field::tx_nonce, 0);
  sink.count(Field::tx_gas, 21'000);
  sink.number(Field::fee_tip, 1);
  sink.number(Field::fee_headroom, 1);
  sink.number(Field::value, 0);
  sink.count(Field::data_length, words);
  return payload(sink.finish());
}

TEST(Models, BudgetHoldsBeforeAllocation) {
  const auto r = decode_batch(batch_claiming_words(1ULL << 40));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::limit_exceeded);
  const auto small = decode_batch(batch_claiming_words(1000), {.max_decompressed_bytes = 1000});
  ASSERT_FALSE(small.has_value());
  EXPECT_EQ(small.error(), Errc::limit_exceeded);
  // Within the budget the same batch fails for what it is: words claimed, none coded.
  const auto honest = decode_batch(batch_claiming_words(2));
  ASSERT_FALSE(honest.has_value());
  EXPECT_NE(honest.error(), Errc::limit_exceeded);
}

TEST(Models, AReferencePastTheTableSizesNothing) {
  // Found in review: the gas-by-recipient lists are indexed by the recipient's table entry, so a
  // hostile reference far past the table must fail as a reference, not size a list.
  ModelSink sink;
  one_block(sink);
  sink.byte(Field::tx_shape, 2);
  sink.reference(Field::to, 1ULL << 60);
  const auto r = decode_batch(payload(sink.finish()));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::bad_reference);
}

}  // namespace
}  // namespace rollup::batch::detail
