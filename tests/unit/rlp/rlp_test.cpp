#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>

#include "rollup/base/hex.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::rlp {
namespace {

Bytes h(std::string_view text) { return *hex::decode(text, hex::Prefix::optional); }

// Decoded items view their input, so inputs handed to the decoder must outlive the test statement.
ByteView kept(std::string_view text) {
  static std::deque<Bytes> storage;
  storage.push_back(h(text));
  return storage.back();
}

Errc code_of(const Error& e) { return static_cast<Errc>(e.code().value()); }

// Re-encodes a decoded tree from its parts, so a test can check that the decoder accepted only the
// canonical form.
void reencode(Encoder& e, const Item& item) {
  if (!item.is_list) {
    e.add_string(item.payload);
    return;
  }
  const auto mark = e.begin_list();
  ByteView rest = item.payload;
  while (!rest.empty()) reencode(e, *read_item(rest));
  e.end_list(mark);
}

TEST(RlpEncode, YellowPaperExamples) {
  Encoder e;
  e.add_string(as_bytes("dog"));
  EXPECT_EQ(e.bytes(), h("83646f67"));

  Encoder list;
  const auto m = list.begin_list();
  list.add_string(as_bytes("cat"));
  list.add_string(as_bytes("dog"));
  list.end_list(m);
  EXPECT_EQ(list.bytes(), h("c88363617483646f67"));

  Encoder ints;
  ints.add_u64(0);
  ints.add_u64(15);
  ints.add_u64(1024);
  ints.add_u256(uint256::max());
  EXPECT_EQ(ints.bytes(), h("800f820400a0" + std::string(64, 'f')));

  // [ [], [[]], [ [], [[]] ] ]: the set-theoretic three.
  Encoder three;
  const auto a = three.begin_list();
  three.end_list(three.begin_list());
  const auto b = three.begin_list();
  three.end_list(three.begin_list());
  three.end_list(b);
  const auto c = three.begin_list();
  three.end_list(three.begin_list());
  const auto d = three.begin_list();
  three.end_list(three.begin_list());
  three.end_list(d);
  three.end_list(c);
  three.end_list(a);
  EXPECT_EQ(three.bytes(), h("c7c0c1c0c3c0c1c0"));
}

TEST(RlpEncode, LengthBoundaries) {
  for (std::size_t len : {0, 1, 55, 56, 255, 256, 65535, 65536}) {
    Bytes payload(len, 0xaa);
    Encoder e;
    e.add_string(payload);
    EXPECT_EQ(e.bytes().size(), header_size(len) + len);
    auto item = decode_exact(e.bytes());
    ASSERT_TRUE(item) << len;
    EXPECT_FALSE(item->is_list);
    EXPECT_TRUE(equal(item->payload, payload));

    Encoder l;
    const auto m = l.begin_list();
    for (std::size_t i = 0; i < len; ++i) l.add_u64(1);
    l.end_list(m);
    auto list_item = decode_exact(l.bytes());
    ASSERT_TRUE(list_item) << len;
    EXPECT_TRUE(list_item->is_list);
    EXPECT_EQ(list_item->payload.size(), len);
  }
  Encoder single;
  single.add_string(Bytes{0x7f});
  single.add_string(Bytes{0x80});
  EXPECT_EQ(single.bytes(), h("7f8180"));
}

TEST(RlpDecode, RejectsNonCanonicalForms) {
  EXPECT_EQ(code_of(decode_exact(kept("8100")).error()), Errc::non_canonical_byte);
  EXPECT_EQ(code_of(decode_exact(kept("817f")).error()), Errc::non_canonical_byte);
  EXPECT_TRUE(decode_exact(kept("8180")));
  // Long form for a 1-byte payload, and a length with a leading zero byte.
  EXPECT_EQ(code_of(decode_exact(kept("b80180")).error()), Errc::non_canonical_length);
  EXPECT_EQ(code_of(decode_exact(kept("f80180")).error()), Errc::non_canonical_length);
  EXPECT_EQ(code_of(decode_exact(kept("b90040" + std::string(128, 'a'))).error()),
            Errc::non_canonical_length);
  EXPECT_EQ(code_of(decode_exact(kept("b800")).error()), Errc::non_canonical_length);
}

TEST(RlpDecode, RejectsTruncatedAndOverlongInput) {
  EXPECT_EQ(code_of(decode_exact(ByteView{}).error()), Errc::truncated);
  EXPECT_EQ(code_of(decode_exact(kept("83646f")).error()), Errc::truncated);
  EXPECT_EQ(code_of(decode_exact(kept("b8")).error()), Errc::truncated);
  EXPECT_EQ(code_of(decode_exact(kept("c2c0")).error()), Errc::truncated);
  // Eight-byte lengths that would wrap a size_t if added to the header size.
  EXPECT_EQ(code_of(decode_exact(kept("bfffffffffffffffff00")).error()), Errc::truncated);
  EXPECT_EQ(code_of(decode_exact(kept("ff0f000000000000021111")).error()), Errc::truncated);
  EXPECT_EQ(code_of(decode_exact(kept("83646f6700")).error()), Errc::trailing_bytes);
}

TEST(RlpDecode, EveryTruncationOfAValidEncodingFails) {
  Encoder e;
  const auto m = e.begin_list();
  e.add_string(Bytes(70, 1));
  e.add_u64(123456789);
  const auto inner = e.begin_list();
  e.add_string(as_bytes("x"));
  e.end_list(inner);
  e.end_list(m);
  const Bytes full = e.bytes();
  ASSERT_TRUE(validate(full));
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_FALSE(validate(ByteView(full).first(n))) << n;
  }
}

TEST(RlpDecode, Integers) {
  EXPECT_EQ(*to_u64(*decode_exact(kept("80"))), 0u);
  EXPECT_EQ(*to_u64(*decode_exact(kept("7f"))), 127u);
  EXPECT_EQ(*to_u64(*decode_exact(kept("88ffffffffffffffff"))), UINT64_MAX);
  EXPECT_EQ(code_of(to_u64(*decode_exact(kept("00"))).error()), Errc::leading_zero);
  EXPECT_EQ(code_of(to_u64(*decode_exact(kept("820001"))).error()), Errc::leading_zero);
  // Zero-padded and too wide: the padding is the first thing wrong with it.
  EXPECT_EQ(code_of(to_u64(*decode_exact(kept("8a00000000000000000001"))).error()),
            Errc::leading_zero);
  EXPECT_EQ(code_of(to_u64(*decode_exact(kept("89010000000000000000"))).error()),
            Errc::integer_overflow);
  EXPECT_EQ(code_of(to_u64(*decode_exact(kept("c0"))).error()), Errc::expected_string);
  EXPECT_EQ(*to_u256(*decode_exact(kept("a0" + std::string(64, 'f')))), uint256::max());
  EXPECT_EQ(code_of(to_u256(*decode_exact(kept("a1" + std::string(66, 'f')))).error()),
            Errc::integer_overflow);
}

TEST(RlpDecode, ListReaderCountsElements) {
  const Bytes enc = h("c3010203");
  auto list = ListReader::open(enc);
  ASSERT_TRUE(list);
  EXPECT_EQ(*list->next_u64(), 1u);
  EXPECT_EQ(code_of(list->finish().error()), Errc::extra_element);
  EXPECT_EQ(*list->next_u64(), 2u);
  EXPECT_EQ(*list->next_u64(), 3u);
  EXPECT_TRUE(list->finish());
  EXPECT_EQ(code_of(list->next_u64().error()), Errc::missing_element);
  EXPECT_EQ(code_of(ListReader::open(kept("83646f67")).error()), Errc::expected_list);
  const Bytes two = h("c3820102");
  auto fixed = ListReader::open(two);
  EXPECT_EQ(code_of(fixed->next_fixed<3>().error()), Errc::wrong_size);
}

TEST(RlpDecode, NestingDepthIsBounded) {
  const auto nested = [](std::size_t depth) {
    Encoder e;
    std::vector<std::size_t> marks;
    for (std::size_t i = 0; i < depth; ++i) marks.push_back(e.begin_list());
    for (auto it = marks.rbegin(); it != marks.rend(); ++it) e.end_list(*it);
    return e.take();
  };
  EXPECT_TRUE(validate(nested(k_max_depth)));
  EXPECT_EQ(code_of(validate(nested(k_max_depth + 1)).error()), Errc::too_deep);
  // Deep enough to overflow the stack of an unbounded recursive decoder.
  EXPECT_EQ(code_of(validate(nested(100000)).error()), Errc::too_deep);
}

// Random bytes and random mutations of valid encodings: the decoder must answer every input with a
// value or an error, never read outside it (checked under AddressSanitizer), and an accepted input
// must re-encode to itself.
TEST(RlpDecode, GarbageNeverCrashesAndAcceptedInputIsCanonical) {
  std::mt19937_64 rng(1234);
  const Bytes seed = h("f85d8301020382ffff94" + std::string(40, 'a') + "c6c2c0c0c180c0b838" +
                       std::string(112, 'b'));
  ASSERT_TRUE(validate(seed));
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes input;
    if (i % 2 == 0) {
      input.resize(rng() % 80);
      for (auto& b : input) b = static_cast<std::uint8_t>(rng());
    } else {
      input = seed;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < edits; ++k) input[rng() % input.size()] = static_cast<std::uint8_t>(rng());
      if (rng() % 4 == 0) input.resize(rng() % input.size());
    }
    // Copy into an exactly sized heap buffer so any over-read is caught by ASan.
    std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[input.size()]);
    std::copy(input.begin(), input.end(), exact.get());
    const ByteView view(exact.get(), input.size());
    if (!validate(view)) continue;
    ++accepted;
    Encoder again;
    reencode(again, *decode_exact(view));
    ASSERT_EQ(again.bytes(), input);
  }
  EXPECT_GT(accepted, 0u);
}

}  // namespace
}  // namespace rollup::rlp
